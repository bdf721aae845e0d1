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
  /** --retry-blocked: only the items whose last run ended blocked (with --retry-failed: either). */
  retryBlocked?: boolean;
  /** --continue: a blocked item resumes with its history and more rounds, instead of starting over. */
  continueBlocked?: boolean;
  /** --restart: the selected items start afresh, their checkpoints discarded, instead of resuming. */
  restart?: boolean;
}

/** How an item with a checkpoint is taken up again: the part of the selection `actionFor` reads. */
export type ResumeChoice = Pick<Selection, 'continueBlocked' | 'restart'>;

/**
 * Decides, without side effects, what happens to each candidate: start, resume at a stage, or skip.
 * Items left out by --retry-failed / --retry-blocked are dropped from the plan entirely (they are not part of the run).
 */
export function planItems(candidates: ItemFacts[], selection: Selection): PlannedItem[] {
  const planned: PlannedItem[] = [];
  for (const facts of candidates) {
    if (!retrySelects(selection, facts)) continue;
    planned.push({ id: facts.item.id, title: facts.item.title, action: actionFor(facts, selection) });
  }
  return planned;
}

/** Under --retry-failed and --retry-blocked, whether the item's last run ended the way they ask for. */
function retrySelects(selection: Selection, facts: ItemFacts): boolean {
  if (!selection.retryFailed && !selection.retryBlocked) return true;
  return (selection.retryFailed && lastRunFailed(facts)) || (selection.retryBlocked === true && lastRunBlocked(facts));
}

/**
 * What the source refused, after the items: invalid files and failed items are listed so they do not
 * vanish. Under --retry-failed only the failed ones whose last run failed stay (invalid files wait for a
 * human); --retry-blocked alone keeps none (a refused item never ran, so it never ended blocked).
 */
export function planRefused(
  refused: readonly RefusedItem[],
  selection: Selection,
  lastRunStatuses: ReadonlyMap<string, ItemStatus> | undefined,
): PlannedItem[] {
  const retrying = selection.retryFailed || selection.retryBlocked === true;
  return refused
    .filter((entry) => !retrying || (selection.retryFailed && entry.status === 'failed' && isRetryable(lastRunStatuses?.get(entry.id))))
    .sort((left, right) => compareItemIds(left.id, right.id))
    .map((entry) => ({ id: entry.id, title: entry.title, action: { kind: 'refuse', status: entry.status, reason: entry.reason } }));
}

/** What happens to one item given its facts (also asked again under the item's lease: see leased-item.ts). */
export function actionFor(facts: ItemFacts, choice: ResumeChoice = {}): ItemPlanAction {
  const checkpoint = facts.checkpoint;
  // A finished item's checkpoint that outlived it (a kill before its deletion) is resumed at its end: that completes its lineage and removes it.
  if (facts.completedOutput !== undefined && !isFinishedCheckpoint(checkpoint))
    return { kind: 'skip', reason: `done: ${facts.completedOutput}` };
  if (!checkpoint) return { kind: 'start' };
  // Even --restart completes a finished item instead of doing it again: its output is there.
  if (isFinishedCheckpoint(checkpoint)) return { kind: 'resume', stage: checkpoint.stage };
  if (choice.restart) return { kind: 'start' };
  // A blocked item waits for a human: run again, it starts over from the (possibly edited) input, unless
  // --continue takes it up where it stopped.
  if (checkpoint.status === 'blocked') {
    return choice.continueBlocked ? { kind: 'resume', stage: checkpoint.stage, continueBlocked: true } : { kind: 'start' };
  }
  return { kind: 'resume', stage: checkpoint.stage };
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

/**
 * Blocked last time: the checkpoint, which every later run of the item replaces, says so; an item
 * without one (blocked on a fleet, or its checkpoint removed) by its last run summary.
 */
export function lastRunBlocked(facts: ItemFacts): boolean {
  if (facts.checkpoint) return facts.checkpoint.status === 'blocked';
  return facts.lastRunStatus === 'blocked';
}

function isRetryable(last: ItemStatus | undefined): boolean {
  return last === 'failed' || last === 'interrupted' || last === 'cancelled';
}
