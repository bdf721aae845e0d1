import type { Clock } from '../clock/clock.js';
import type { Checkpoint, CheckpointStore } from '../checkpoints/store.js';
import type { ItemOutcome, ModelCallRecord, WorkflowName, WorkItem } from '../core/items.js';

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
  /** The checkpoint to resume from, or undefined for a fresh start. */
  readonly resumeFrom: Checkpoint | undefined;
  /** Writes text the item prints; may hold several lines or a partial line. */
  write(text: string): void;
  /** Writes one message followed by a newline. */
  log(message: string): void;
  /** Writes a message only shown with --debug (always kept in the item's log file). */
  debug(message: string): void;
  /** Announces the step the item is in now. */
  setStage(stage: string): void;
  recordModelCall(call: ModelCallRecord): void;
}

export interface Workflow {
  readonly name: WorkflowName;
  /**
   * The candidate items: exactly `ids` when given (an unknown id is an error naming it), otherwise
   * every item the source knows. Throws UsageError / ConfigurationError for bad input.
   */
  collectItems(request: { ids: string[] | undefined; signal: AbortSignal }): Promise<WorkItem[]>;
  /** The output that shows the item is complete (for example the approved LLD), if it exists. */
  completedOutput(item: WorkItem): Promise<string | undefined>;
  /** Runs or resumes one item. Throws on failure; returns blocked when a human must decide. */
  runItem(item: WorkItem, context: ItemContext): Promise<ItemOutcome>;
}
