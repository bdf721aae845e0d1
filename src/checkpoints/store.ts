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

/**
 * The stage of a finished item's last commit (every workflow's state machine ends there). A checkpoint
 * still at it outlived its item (killed between the item's end and the checkpoint's deletion).
 */
export const FINISHED_STAGE = 'done';

/**
 * A finished item's checkpoint that was never removed: resuming it ends the item at once (its lineage
 * completed from the state, the checkpoint removed) instead of leaving it forever. A blocked one is not:
 * a blocked item starts over.
 */
export function isFinishedCheckpoint(checkpoint: Checkpoint | undefined): boolean {
  return checkpoint !== undefined && checkpoint.stage === FINISHED_STAGE && checkpoint.status !== 'blocked';
}

/** One item's resume state. Each `commit` is atomic: after a crash, load() returns the last commit. */
export interface CheckpointStore {
  /**
   * The last commit. Throws CheckpointSchemaError for a file that cannot be read as a checkpoint
   * (`kind` says whether it is damaged or from a newer lldflow) and CheckpointIoError when the disk fails.
   */
  load(): Promise<Checkpoint | undefined>;
  /** Commits one step's state in one transaction and sets status to `running`. */
  commit(step: { stage: string; state: unknown }): Promise<void>;
  /** Records how the item ended without changing its state. No-op when nothing was ever committed. */
  setStatus(status: CheckpointStatus, error?: string): Promise<void>;
  /** Deletes everything stored for the item (the item succeeded). */
  remove(): Promise<void>;
  /**
   * Moves everything stored for the item aside, as `<name>.corrupt-<time>`, so the item starts afresh
   * while the damaged file stays for a human to look at; returns where it went (undefined: nothing stored).
   */
  setAside(): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface CheckpointStoreFactory {
  /** Opens an item's store. Creates nothing on disk until the first commit. */
  open(workflow: WorkflowName, itemId: string): Promise<CheckpointStore>;
  /**
   * Reads an item's checkpoint without creating anything. A damaged one reads as none, so that one bad
   * file never stops a plan: running the item deals with it (see `CheckpointStore.load`), and `inspect`
   * says what is wrong.
   */
  peek(workflow: WorkflowName, itemId: string): Promise<Checkpoint | undefined>;
  /** What an item's stored checkpoint is: none, readable, or damaged (and how). Never throws for a bad file. */
  inspect(workflow: WorkflowName, itemId: string): Promise<CheckpointInspection>;
  /** Every item that has a checkpoint, optionally for one workflow (damaged ones included). */
  list(workflow?: WorkflowName): Promise<Array<{ workflow: WorkflowName; itemId: string }>>;
  /** The checkpoints moved aside by `setAside`, oldest first, for `lldflow status`. */
  listSetAside(): Promise<Array<{ workflow: WorkflowName; itemId: string; path: string }>>;
}

export type CheckpointInspection =
  | { kind: 'none' }
  | { kind: 'ok'; checkpoint: Checkpoint }
  | { kind: 'damaged'; problem: CheckpointProblem; path: string; message: string };

/**
 * `unreadable`: not a checkpoint lldflow can read (garbage, truncated, another item's, damaged state):
 * moved aside and the item starts afresh. `newer-schema`: written by a newer lldflow, left alone, and
 * the item fails saying what to do. `io`: the disk failed reading it (permissions, I/O error).
 */
export type CheckpointProblem = 'unreadable' | 'newer-schema' | 'io';

/** A checkpoint file lldflow cannot read: damaged (`unreadable`) or written by a newer lldflow (`newer-schema`). */
export class CheckpointSchemaError extends Error {
  override readonly name = 'CheckpointSchemaError';
  readonly kind: 'unreadable' | 'newer-schema';

  constructor(message: string, options: { kind?: 'unreadable' | 'newer-schema'; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind ?? 'unreadable';
  }
}

/** The disk failed under a checkpoint (full, read-only, permissions, I/O error): names the file and the code. */
export class CheckpointIoError extends Error {
  override readonly name = 'CheckpointIoError';

  constructor(
    readonly path: string,
    readonly code: string | undefined,
    action: 'read' | 'write',
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`could not ${action} checkpoint ${path}: ${reason}${code === undefined ? '' : ` (${code})`}`, options);
  }
}
