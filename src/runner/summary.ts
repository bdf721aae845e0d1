import type { BlockedSummary, ItemStatus, ItemSummary, RunSummary, WorkflowName } from '../core/items.js';

const STATUSES: ItemStatus[] = ['succeeded', 'failed', 'blocked', 'skipped', 'interrupted', 'cancelled', 'invalid'];
/** Statuses worth running again without a human changing anything first. */
const RETRYABLE: ReadonlySet<ItemStatus> = new Set(['failed', 'interrupted', 'cancelled']);

/** The command lines that act on blocked items, built by the command that started the run. */
export interface BlockedCommands {
  /** Continues these items with their history and more rounds. */
  continueItems: (ids: string[]) => string;
  /** Continues every item whose last run ended blocked. */
  continueAllBlocked: () => string;
  /** Approves an item's design by hand; absent where the workflow has no design to approve. */
  approve?: (id: string) => string;
}

export function buildSummary(input: {
  runId: string;
  workflow: WorkflowName;
  startedAt: number;
  durationMs: number;
  parallel: number;
  items: ItemSummary[];
  retryCommand: (ids: string[]) => string;
  blockedCommands?: BlockedCommands;
}): RunSummary {
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<ItemStatus, number>;
  for (const item of input.items) counts[item.status] += 1;
  const retryIds = input.items.filter((item) => RETRYABLE.has(item.status)).map((item) => item.id);
  const commands = input.blockedCommands;
  const items = commands ? input.items.map((item) => withBlockedCommands(item, commands)) : input.items;
  return {
    runId: input.runId,
    workflow: input.workflow,
    startedAt: new Date(input.startedAt).toISOString(),
    durationMs: input.durationMs,
    parallel: input.parallel,
    counts,
    items,
    retryCommand: retryIds.length > 0 ? input.retryCommand(retryIds) : null,
    retryBlockedCommand: commands && counts.blocked > 0 ? commands.continueAllBlocked() : null,
  };
}

/** A blocked item with the commands that continue or approve it; any other item as it is. */
function withBlockedCommands(item: ItemSummary, commands: BlockedCommands): ItemSummary {
  if (item.status !== 'blocked') return item;
  const blocked: BlockedSummary = {
    questions: [],
    blockingItems: [],
    ...item.blocked,
    continueCommand: commands.continueItems([item.id]),
    ...(commands.approve ? { approveCommand: commands.approve(item.id) } : {}),
  };
  return { ...item, blocked };
}

/** DESIGN.md exit codes: 130 interrupted, 1 any failed, blocked or invalid, 0 otherwise. */
export function exitCodeFor(summary: RunSummary, interrupted: boolean): number {
  if (interrupted || summary.counts.interrupted > 0) return 130;
  if (summary.counts.failed > 0 || summary.counts.blocked > 0 || summary.counts.invalid > 0) return 1;
  return 0;
}
