import { isFinishedCheckpoint, type Checkpoint } from '../checkpoints/store.js';
import type { PlannedItem } from './events.js';
import { compareItemIds } from '../core/compare-item-ids.js';
import type { ItemPlanAction, ItemStatus, RefusedItem, WorkItem } from '../core/items.js';

/** What is known about one candidate item before the run. */
export interface ItemFacts {
  item: WorkItem;
  /** The output proving the item is complete, if any. */
  completedOutput: string | undefined;
  checkpoint: Checkpoint | undefined;
  /** How the item ended in the most recent earlier run of this workflow, if it was in it. */
  lastRunStatus: ItemStatus | undefined;
}

export interface Selection {
  /** --issue was given: these ids, in this order. */
  explicitIds: string[] | undefined;
  all: boolean;
  retryFailed: boolean;
}

/**
 * Decides, without side effects, what happens to each candidate: start, resume at a stage, or skip.
 * Items left out by --retry-failed are dropped from the plan entirely (they are not part of the run).
 */
export function planItems(candidates: ItemFacts[], selection: Selection): PlannedItem[] {
  const planned: PlannedItem[] = [];
  for (const facts of candidates) {
    if (selection.retryFailed && !lastRunFailed(facts)) continue;
    planned.push({ id: facts.item.id, title: facts.item.title, action: actionFor(facts) });
  }
  return planned;
}

/**
 * What the source refused, after the items: invalid files and failed items are listed so they do not
 * vanish. Under --retry-failed only the failed ones whose last run failed stay (invalid files wait for a human).
 */
export function planRefused(
  refused: readonly RefusedItem[],
  selection: Selection,
  lastRunStatuses: ReadonlyMap<string, ItemStatus> | undefined,
): PlannedItem[] {
  return refused
    .filter((entry) => !selection.retryFailed || (entry.status === 'failed' && isRetryable(lastRunStatuses?.get(entry.id))))
    .sort((left, right) => compareItemIds(left.id, right.id))
    .map((entry) => ({ id: entry.id, title: entry.title, action: { kind: 'refuse', status: entry.status, reason: entry.reason } }));
}

/** What happens to one item given its facts (also asked again under the item's lease: see leased-item.ts). */
export function actionFor(facts: ItemFacts): ItemPlanAction {
  const checkpoint = facts.checkpoint;
  // A finished item's checkpoint that outlived it (a kill before its deletion) is resumed at its end: that completes its lineage and removes it.
  if (facts.completedOutput !== undefined && !isFinishedCheckpoint(checkpoint))
    return { kind: 'skip', reason: `done: ${facts.completedOutput}` };
  // A blocked item waits for a human; running it again starts over from the (possibly edited) input.
  if (checkpoint && checkpoint.status !== 'blocked') return { kind: 'resume', stage: checkpoint.stage };
  return { kind: 'start' };
}

/**
 * Failed or interrupted last time: the checkpoint says so (a `running` checkpoint with no run alive
 * means the process was killed), or the last run summary does (cancelled items never got a checkpoint).
 */
export function lastRunFailed(facts: ItemFacts): boolean {
  const status = facts.checkpoint?.status;
  if (status === 'failed' || status === 'interrupted' || status === 'running') return true;
  return isRetryable(facts.lastRunStatus);
}

function isRetryable(last: ItemStatus | undefined): boolean {
  return last === 'failed' || last === 'interrupted' || last === 'cancelled';
}
