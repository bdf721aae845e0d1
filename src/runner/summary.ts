import type { ItemStatus, ItemSummary, RunSummary, WorkflowName } from '../core/items.js';

const STATUSES: ItemStatus[] = ['succeeded', 'failed', 'blocked', 'skipped', 'interrupted', 'cancelled', 'invalid'];
/** Statuses worth running again without a human changing anything first. */
const RETRYABLE: ReadonlySet<ItemStatus> = new Set(['failed', 'interrupted', 'cancelled']);

export function buildSummary(input: {
  runId: string;
  workflow: WorkflowName;
  startedAt: number;
  durationMs: number;
  parallel: number;
  items: ItemSummary[];
  retryCommand: (ids: string[]) => string;
}): RunSummary {
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<ItemStatus, number>;
  for (const item of input.items) counts[item.status] += 1;
  const retryIds = input.items.filter((item) => RETRYABLE.has(item.status)).map((item) => item.id);
  return {
    runId: input.runId,
    workflow: input.workflow,
    startedAt: new Date(input.startedAt).toISOString(),
    durationMs: input.durationMs,
    parallel: input.parallel,
    counts,
    items: input.items,
    retryCommand: retryIds.length > 0 ? input.retryCommand(retryIds) : null,
  };
}

/** DESIGN.md exit codes: 130 interrupted, 1 any failed, blocked or invalid, 0 otherwise. */
export function exitCodeFor(summary: RunSummary, interrupted: boolean): number {
  if (interrupted || summary.counts.interrupted > 0) return 130;
  if (summary.counts.failed > 0 || summary.counts.blocked > 0 || summary.counts.invalid > 0) return 1;
  return 0;
}
