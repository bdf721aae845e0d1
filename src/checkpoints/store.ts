import type { WorkflowName } from '../core/items.js';

/** Bumped whenever the stored layout changes; a store refuses a database of another version. */
export const CHECKPOINT_SCHEMA_VERSION = 1;

/** `running` with no live process means the run was killed (treated as interrupted). */
export type CheckpointStatus = 'running' | 'failed' | 'interrupted' | 'blocked';

export interface Checkpoint {
  workflow: WorkflowName;
  itemId: string;
  /** 1 for the first committed step, then +1 per commit. */
  step: number;
  /** The stage the item is in after this step (what the workflow resumes at). */
  stage: string;
  /** The workflow's own state, JSON-serialisable. */
  state: unknown;
  status: CheckpointStatus;
  error: string | null;
  /** ISO time of the last change. */
  updatedAt: string;
}

/** One item's resume state. Each `commit` is atomic: after a crash, load() returns the last commit. */
export interface CheckpointStore {
  load(): Promise<Checkpoint | undefined>;
  /** Commits one step's state in one transaction and sets status to `running`. */
  commit(step: { stage: string; state: unknown }): Promise<void>;
  /** Records how the item ended without changing its state. No-op when nothing was ever committed. */
  setStatus(status: CheckpointStatus, error?: string): Promise<void>;
  /** Deletes everything stored for the item (the item succeeded). */
  remove(): Promise<void>;
  close(): Promise<void>;
}

export interface CheckpointStoreFactory {
  /** Opens an item's store. Creates nothing on disk until the first commit. */
  open(workflow: WorkflowName, itemId: string): Promise<CheckpointStore>;
  /** Reads an item's checkpoint without creating anything. */
  peek(workflow: WorkflowName, itemId: string): Promise<Checkpoint | undefined>;
  /** Every item that has a checkpoint, optionally for one workflow. */
  list(workflow?: WorkflowName): Promise<Array<{ workflow: WorkflowName; itemId: string }>>;
}

/** A database written by another schema version, or one that is not a checkpoint at all. */
export class CheckpointSchemaError extends Error {
  override readonly name = 'CheckpointSchemaError';
}
