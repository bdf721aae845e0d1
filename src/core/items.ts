/** The words every part of lldflow shares: workflows, items, their statuses and summaries. */
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

/** What the runner knows about an item before running it. */
export type ItemPlanAction = { kind: 'start' } | { kind: 'resume'; stage: string } | { kind: 'skip'; reason: string };

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
