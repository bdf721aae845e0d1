/** The words every part of lldflow shares: workflows, items, their statuses and summaries. */
/** Every workflow, in pipeline order: designs, issues, then their implementation. */
export const WORKFLOW_NAMES = ['lld', 'issue', 'implement'] as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

/** One unit of work: an issue, a brief or an approved LLD. `id` is already validated. */
export interface WorkItem {
  id: string;
  title: string;
}

/**
 * How an item's run ended. `invalid`: a file of the item source that cannot be an item (a bad name, bad
 * front matter, empty or binary), listed so it does not vanish from a run over every item.
 */
export type ItemStatus = 'succeeded' | 'failed' | 'blocked' | 'skipped' | 'interrupted' | 'cancelled' | 'invalid';

/**
 * An entry of the item source that does not run: a file that cannot be an item (`invalid`, named by its
 * file name), or an item refused before it starts (`failed`, by its id: too large).
 */
export interface RefusedItem {
  id: string;
  title: string;
  status: 'invalid' | 'failed';
  reason: string;
}

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
  /** Model requests this record stands for: a coding agent's turn makes many. Default 1. */
  requests?: number;
}

/** What a workflow reports for an item that ran to an end it chose (errors are thrown instead). */
export interface ItemOutcome {
  status: 'succeeded' | 'blocked';
  /** The main output file, relative to the target repository. */
  output?: string;
  /** Why the item is blocked. */
  reason?: string;
  /** What a human needs to act on a blocked item. */
  blocked?: BlockedDetail;
}

/** What stops a blocked item, as a human needs it to decide what to do. */
export interface BlockedDetail {
  /** The questions the reviewer asked a human to decide (DISCUSS), unresolved ones only. */
  questions: string[];
  /** What the reviewer or the mechanical checks found blocking, in their words. */
  blockingItems: string[];
  /** implement: the last failing test run, as the short failure summary the implementer saw. */
  failingTests?: string;
  /** implement: the item's worktree, absolute, where its work stays. */
  worktree?: string;
}

/** A blocked item in the run summary: its detail and the commands that act on it. */
export interface BlockedSummary extends BlockedDetail {
  /** Continues the item with its history and more rounds (`… --issue <id> --continue`); set by the command that ran it. */
  continueCommand?: string;
  /** Approves its design by hand (`lldflow approve <id>`), where the workflow has designs to approve. */
  approveCommand?: string;
}

/** What the runner knows about an item before running it. */
export type ItemPlanAction =
  | { kind: 'start' }
  /** `continueBlocked`: a blocked item continued by --continue, its outcome cleared and its limits counted afresh. */
  | { kind: 'resume'; stage: string; continueBlocked?: boolean }
  | { kind: 'skip'; reason: string }
  | { kind: 'refuse'; status: RefusedItem['status']; reason: string };

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
  /** Only for a blocked item: what blocks it and how to continue it. */
  blocked?: BlockedSummary;
}

export interface RunSummary {
  runId: string;
  workflow: WorkflowName;
  startedAt: string;
  durationMs: number;
  parallel: number;
  counts: Record<ItemStatus, number>;
  items: ItemSummary[];
  retryCommand: string | null;
  /** Continues every item whose last run ended blocked (`… --retry-blocked --continue`); null when none is. */
  retryBlockedCommand?: string | null;
}
