import type { WorkflowName } from '../core/items.js';

/** One piece of local state `lldflow clean` looked at: it goes, or it stays and `keep` says why. */
export interface CleanEntry {
  /** How it is removed: a file (with a checkpoint's side files), the stale holder file of a lease, a worktree, a folder. */
  target: 'file' | 'checkpoint' | 'lease' | 'worktree' | 'folder';
  /** Relative to the repository. */
  path: string;
  workflow: WorkflowName | null;
  id: string | null;
  /** What it is. */
  what: string;
  /** Why it stays; absent when it goes. */
  keep?: string;
}
