import type { WorkflowName } from '../core/items.js';

/** Damaged or left-over state `lldflow status` found, each with the file it is about and what happens to it. */
export interface StatusProblem {
  kind:
    | 'checkpoint-unreadable'
    | 'checkpoint-newer'
    | 'checkpoint-io'
    | 'checkpoint-state'
    | 'checkpoint-stale'
    | 'checkpoint-set-aside'
    | 'temporary-file'
    | 'unfinished-lineage'
    | 'run-summary-unreadable'
    | 'unreadable';
  workflow: WorkflowName | null;
  id: string | null;
  /** Relative to the repository. */
  path: string;
  message: string;
}

/** A problem as found: the path absolute, the item when there is one. */
export type FoundProblem = Omit<StatusProblem, 'workflow' | 'id'> & { workflow?: WorkflowName | null; id?: string | null };

/** A temporary file of an atomic write (src/files/atomic-write.ts) as a problem; `shown` makes a path readable. */
export function temporaryProblem(
  temporary: { path: string; target: string; stale: boolean },
  shown: (path: string) => string,
): FoundProblem {
  return {
    kind: 'temporary-file',
    path: temporary.path,
    message: temporary.stale
      ? `temporary file of a write that never finished (for ${shown(temporary.target)}); the next write into its folder removes it, or delete it`
      : `temporary file of a write in progress (for ${shown(temporary.target)})`,
  };
}
