import type { Clock } from '../clock/clock.js';
import type { CheckpointStore } from '../checkpoints/store.js';
import type { ItemOutcome, ModelCallRecord, RefusedItem, WorkflowName, WorkItem } from '../core/items.js';
import type { ExpectedCalls } from './expected-calls.js';

/** Everything one running item needs; travels explicitly, never through module state. */
export interface ItemContext {
  readonly item: WorkItem;
  readonly runId: string;
  readonly workflow: WorkflowName;
  /** Aborts on Ctrl+C (reason: InterruptedError) or on the item's time-out (reason: ItemTimeoutError). */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** This item's checkpoint store; commit after every step. */
  readonly checkpoint: CheckpointStore;
  /** Writes text the item prints; may hold several lines or a partial line. */
  write(text: string): void;
  /** Writes one message followed by a newline. */
  log(message: string): void;
  /** Writes a message only shown with --debug (always kept in the item's log file). */
  debug(message: string): void;
  /** Announces the step the item is in now. */
  setStage(stage: string): void;
  recordModelCall(call: ModelCallRecord): void;
  /** Removes secrets from text the item writes itself (lineage, documents) before it leaves the process. */
  redact(text: string): string;
  /**
   * True when text holds one of the run's configured secrets (an API key), however it is written
   * around it; key-shaped text that is not a configured key does not count. Used to refuse a commit
   * that would put a key into git. A function, not a method, so it can be handed on unbound.
   */
  readonly holdsSecret: (text: string) => boolean;
}

/**
 * A workflow as the runner drives it. `Item` is what it collects (the runner hands each item back
 * whole, so no workflow keeps a side map), `State` what it checkpoints (read back by `parseState`).
 */
export interface Workflow<Item extends WorkItem = WorkItem, State = unknown> {
  readonly name: WorkflowName;
  /**
   * The candidate items: exactly `ids` when given (an unknown id is an error naming it), otherwise
   * every item the source knows. Throws UsageError / ConfigurationError for bad input. What will not
   * run goes to `onRefused`, so it is listed instead of vanishing: source files that cannot be items
   * (`invalid`) and items refused before they start (`failed`, e.g. above the size limit).
   */
  collectItems(request: { ids: string[] | undefined; signal: AbortSignal; onRefused: (refused: RefusedItem) => void }): Promise<Item[]>;
  /** The output that shows the item is complete (for example the approved LLD), if it exists. */
  completedOutput(item: Item): Promise<string | undefined>;
  /** A checkpointed state, checked; throws CheckpointStateError when it cannot be resumed from. */
  parseState(state: unknown): State;
  /** Runs one item, or resumes it from its parsed state. Throws on failure; returns blocked when a human must decide. */
  runItem(item: Item, context: ItemContext, resumeFrom: State | undefined): Promise<ItemOutcome>;
  /**
   * `--continue`: a blocked item's state taken up again, pure: its outcome cleared, its limits (rounds,
   * iterations, budget) counted afresh from here, and its history kept, so it goes on where it stopped.
   * `item` is the item as collected now (a human may have answered the question in it); `date` is today.
   * Absent: the workflow cannot continue a blocked item, and the item fails saying so.
   */
  reopenBlocked?(state: State, item: Item, date: string): State;
  /**
   * The model calls a typical run of the item makes (its prompts measured, the answers and rounds
   * assumed), for `--dry-run`'s projected cost; reads, never writes. Absent: no projection.
   */
  expectedCalls?(item: Item): Promise<ExpectedCalls>;
}
