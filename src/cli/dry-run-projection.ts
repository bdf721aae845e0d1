import type { WorkItem } from '../core/items.js';
import type { Redact } from '../core/redact.js';
import { projectItem, type ItemProjection } from '../output/projected-cost.js';
import type { ExtraPrices } from '../providers/pricing.js';
import type { RunPlan } from '../runner/run-workflow.js';
import type { Workflow } from '../runner/types.js';

/**
 * `--dry-run`'s projected cost of each item that would start or resume, by id; empty when the workflow
 * cannot project. An item whose projection fails (its design unreadable) gets `?` with the reason:
 * the dry run still lists everything.
 */
export async function projectPlan(
  workflow: Workflow,
  plan: RunPlan<WorkItem>,
  prices: ExtraPrices | undefined,
  redact: Redact,
): Promise<Map<string, ItemProjection>> {
  const projections = new Map<string, ItemProjection>();
  if (!workflow.expectedCalls) return projections;
  for (const entry of plan.planned) {
    const item = plan.items.get(entry.id);
    if (!item || (entry.action.kind !== 'start' && entry.action.kind !== 'resume')) continue;
    const expected = await workflow.expectedCalls(item).catch((error: unknown) => ({
      unknown: redact(`item ${entry.id}: ${error instanceof Error ? error.message : String(error)}`),
    }));
    projections.set(entry.id, projectItem(expected, prices));
  }
  return projections;
}

/** `--dry-run --json`: each planned item with its projected cost (null: none, or no price), and the total when every item has one. */
export function projectedPlanJson(
  workflow: string,
  plan: RunPlan<WorkItem>,
  projections: ReadonlyMap<string, ItemProjection>,
): Record<string, unknown> {
  const costs = [...projections.values()].map((projection) => projection.costUsd);
  return {
    workflow,
    items: plan.planned.map((entry) => ({ ...entry, projectedCostUsd: projections.get(entry.id)?.costUsd ?? null })),
    projectedCostUsd: costs.every((cost) => cost !== undefined) ? costs.reduce((total, cost) => total + cost, 0) : null,
  };
}
