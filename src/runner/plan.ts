import type { Checkpoint } from '../checkpoints/store.js';
import type { PlannedItem } from './events.js';
import type { ItemPlanAction, ItemStatus, WorkItem } from '../core/items.js';

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

function actionFor(facts: ItemFacts): ItemPlanAction {
  if (facts.completedOutput !== undefined) return { kind: 'skip', reason: `done: ${facts.completedOutput}` };
  const checkpoint = facts.checkpoint;
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
  const last = facts.lastRunStatus;
  return last === 'failed' || last === 'interrupted' || last === 'cancelled';
}
