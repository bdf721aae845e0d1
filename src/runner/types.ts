import type { Clock } from '../clock/clock.js';
import type { Checkpoint, CheckpointStore } from '../checkpoints/store.js';

export type WorkflowName = 'lld' | 'issue' | 'implement';

/** One unit of work: an issue, a brief or an approved LLD. `id` is already validated. */
export interface WorkItem {
  id: string;
  title: string;
}

/** How an item's run ended. */
export type ItemStatus = 'succeeded' | 'failed' | 'blocked' | 'skipped' | 'interrupted' | 'cancelled';

/** One model call as recorded for the summary, events and lineage. Never holds a key value. */
export interface ModelCallRecord {
  provider: string;
  model: string;
  /** Masked key name (`openai#2`), absent for providers without keys. */
  keyName?: string;
  role: string;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** What a workflow reports for an item that ran to an end it chose (errors are thrown instead). */
export interface ItemOutcome {
  status: 'succeeded' | 'blocked';
  /** The main output file, relative to the target repository. */
  output?: string;
  /** Why the item is blocked. */
  reason?: string;
}

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

/** What the runner knows about an item before running it. */
export type ItemPlanAction =
  | { kind: 'start' }
  | { kind: 'resume'; stage: string }
  | { kind: 'skip'; reason: string };

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

export interface ItemSummary {
  id: string;
  title: string;
  status: ItemStatus;
  /** The last stage the item reached. */
  stage: string;
  durationMs: number;
  llmCalls: number;
  costUsd: number;
  output: string | null;
  error: string | null;
}

export interface RunSummary {
  runId: string;
  workflow: WorkflowName;
  startedAt: string;
  durationMs: number;
  parallel: number;
  counts: Record<Exclude<ItemStatus, never>, number>;
  items: ItemSummary[];
  retryCommand: string | null;
}
