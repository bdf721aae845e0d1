import { isFinishedCheckpoint, type Checkpoint } from '../checkpoints/store.js';
import { describeHolder, type ItemLeases } from '../checkpoints/item-lease.js';
import type { ItemPlanAction, ItemSummary, WorkItem } from '../core/items.js';
import { actionFor, type ResumeChoice } from './plan.js';
import { runOneItem, type RunItemDependencies } from './run-item.js';

export interface Leasing {
  leases: ItemLeases;
  /** When this run started (clock time): a checkpoint written since was written by another run. */
  runStartedAt: number;
  /** --continue / --restart, as the plan applied them. */
  choice?: ResumeChoice;
}

/**
 * One process per item: takes the item's lease before its first step and releases it when the item
 * ends (the OS releases it when the process dies). An item another process holds is skipped with one
 * line naming the holder. Under the lease the item is looked at again, since the plan was made
 * without it: one another run finished meanwhile is skipped as done, one it ended (failed, blocked,
 * interrupted) is left to that run's outcome, and one whose holder died mid-step (`running`) is taken
 * over from its last checkpoint.
 */
export async function runLeasedItem<Item extends WorkItem, State>(
  item: Item,
  planned: ItemPlanAction,
  dependencies: RunItemDependencies<Item, State>,
  leasing: Leasing,
): Promise<ItemSummary> {
  const { workflow } = dependencies;
  let attempt;
  try {
    attempt = await leasing.leases.acquire(workflow.name, item.id);
  } catch (error) {
    return ended(item, dependencies, {
      status: 'failed',
      stage: plannedStage(planned),
      error: `could not take the item's lease: ${message(error)}`,
    });
  }
  if (attempt.kind === 'held') {
    return ended(item, dependencies, { status: 'skipped', stage: plannedStage(planned), error: describeHolder(attempt.holder) });
  }
  try {
    const current = await currentAction(item, planned, dependencies, leasing);
    if ('skipped' in current) return ended(item, dependencies, current.skipped);
    return await runOneItem(item, current.action, dependencies);
  } finally {
    attempt.lease.release();
  }
}

type Ending = Pick<ItemSummary, 'status' | 'stage' | 'error'> & { output?: string };

async function currentAction<Item extends WorkItem, State>(
  item: Item,
  planned: ItemPlanAction,
  dependencies: RunItemDependencies<Item, State>,
  { runStartedAt, choice }: Leasing,
): Promise<{ action: ItemPlanAction } | { skipped: Ending }> {
  let completedOutput: string | undefined;
  let checkpoint: Checkpoint | undefined;
  try {
    completedOutput = await dependencies.workflow.completedOutput(item);
    checkpoint = await dependencies.checkpoints.peek(dependencies.workflow.name, item.id);
  } catch {
    // What the plan saw stands; running the item reports what is wrong with its checkpoint.
    return { action: planned };
  }
  if (completedOutput !== undefined && !isFinishedCheckpoint(checkpoint)) {
    return { skipped: { status: 'skipped', stage: 'done', error: null, output: completedOutput } };
  }
  if (checkpoint !== undefined && checkpoint.status !== 'running' && Date.parse(checkpoint.updatedAt) >= runStartedAt) {
    return {
      skipped: {
        status: 'skipped',
        stage: checkpoint.stage,
        error: `another lldflow run ended it meanwhile (${checkpoint.status} at stage ${checkpoint.stage})`,
      },
    };
  }
  return { action: actionFor({ item, completedOutput, checkpoint, lastRunStatus: undefined }, choice) };
}

/** The summary of an item that did not run here, announced with one line (its `item-end`). */
function ended<Item extends WorkItem, State>(item: Item, dependencies: RunItemDependencies<Item, State>, ending: Ending): ItemSummary {
  const summary: ItemSummary = {
    id: item.id,
    title: item.title,
    status: ending.status,
    stage: ending.stage,
    durationMs: 0,
    llmCalls: 0,
    costUsd: 0,
    output: ending.output ?? null,
    error: ending.error,
  };
  dependencies.emit({ type: 'item-end', at: dependencies.clock.now(), id: item.id, result: summary });
  return summary;
}

function plannedStage(action: ItemPlanAction): string {
  return action.kind === 'resume' ? action.stage : 'queued';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
