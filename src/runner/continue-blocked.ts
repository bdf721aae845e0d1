import { calendarDate, type Clock } from '../clock/clock.js';
import type { Checkpoint, CheckpointStore } from '../checkpoints/store.js';
import type { ItemPlanAction, WorkItem } from '../core/items.js';
import type { Workflow } from './types.js';

/** Whether the item was planned for `--continue` and its checkpoint still says blocked (another run may have taken it up meanwhile). */
export function continuesBlocked(action: ItemPlanAction, checkpoint: Checkpoint | undefined): boolean {
  return action.kind === 'resume' && action.continueBlocked === true && checkpoint?.status === 'blocked';
}

/**
 * `--continue`: the blocked item's state reopened by its workflow (pure: outcome cleared, limits counted
 * afresh, history kept) and committed at once, so the item is running again from here: a crash or
 * Ctrl+C before its next step resumes the reopened state, not the blocked one.
 */
export async function reopenBlockedItem<Item extends WorkItem, State>(input: {
  workflow: Workflow<Item, State>;
  item: Item;
  state: State;
  checkpoint: Checkpoint;
  store: CheckpointStore;
  clock: Clock;
  log: (message: string) => void;
}): Promise<State> {
  const { workflow, checkpoint } = input;
  if (!workflow.reopenBlocked) {
    throw new Error(`a blocked ${workflow.name} item cannot be continued here: run it without --continue to start it over`);
  }
  const reopened = workflow.reopenBlocked(input.state, input.item, calendarDate(input.clock.now()));
  await input.store.commit({ stage: stageOf(reopened, checkpoint.stage), state: reopened });
  if (checkpoint.error) input.log(`it was blocked: ${checkpoint.error}`);
  return reopened;
}

/** Workflow states carry their stage; one that does not keeps the checkpoint's. */
function stageOf(state: unknown, fallback: string): string {
  if (typeof state === 'object' && state !== null && 'stage' in state && typeof state.stage === 'string') return state.stage;
  return fallback;
}
