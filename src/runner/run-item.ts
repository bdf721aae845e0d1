import type { Clock } from '../clock/clock.js';
import { CheckpointSchemaError, type Checkpoint, type CheckpointStore, type CheckpointStoreFactory } from '../checkpoints/store.js';
import { raceWithAbort } from '../cancellation/race-with-abort.js';
import { abortReason } from '../core/abort.js';
import { CheckpointStateError, InterruptedError, ItemTimeoutError, stopsRun } from '../core/errors.js';
import type { EmitEvent } from './events.js';
import { continuesBlocked, reopenBlockedItem } from './continue-blocked.js';
import { RedactingCheckpointStore } from './redacting-store.js';
import type { ItemContext, Workflow } from './types.js';
import type { ItemPlanAction, ItemStatus, ItemSummary, WorkItem } from '../core/items.js';

/** Built once: an error per item would capture a stack trace for nothing. */
const ITEM_FINISHED = new InterruptedError('item finished');

export interface RunItemDependencies<Item extends WorkItem, State> {
  workflow: Workflow<Item, State>;
  checkpoints: CheckpointStoreFactory;
  clock: Clock;
  emit: EmitEvent;
  runId: string;
  /** The run's signal: aborting it interrupts the item. */
  runSignal: AbortSignal;
  timeoutMs: number;
  /**
   * The run's redactor: wraps the item's checkpoint store and is the context's `redact`. (`emit` is
   * already redacting: the runner's events and summaries are redacted where they are emitted.)
   */
  redact: (text: string) => string;
  /** The context's `holdsSecret`: whether text holds one of the run's configured secrets. */
  holdsSecret: (text: string) => boolean;
  /** Told when the item failed in a way every other item would (see stopsRun). */
  onRunStopping?: (error: Error) => void;
}

/**
 * Runs one item to an end that never throws: its own failure, time-out or interruption becomes its
 * status, so one item can never take another down. The checkpoint keeps a failed or interrupted item's
 * last committed step and is removed once the item succeeds.
 */
export async function runOneItem<Item extends WorkItem, State>(
  item: Item,
  action: ItemPlanAction,
  dependencies: RunItemDependencies<Item, State>,
): Promise<ItemSummary> {
  const { workflow, clock, emit } = dependencies;
  const startedAt = clock.now();
  const controller = new AbortController();
  const timerController = new AbortController();
  const forwardInterrupt = (): void => controller.abort(abortReason(dependencies.runSignal));
  dependencies.runSignal.addEventListener('abort', forwardInterrupt, { once: true });
  clock.sleep(dependencies.timeoutMs, timerController.signal).then(
    () => controller.abort(new ItemTimeoutError(dependencies.timeoutMs)),
    () => undefined,
  );

  const summary: ItemSummary = {
    id: item.id,
    title: item.title,
    status: 'failed',
    stage: action.kind === 'resume' ? action.stage : 'start',
    durationMs: 0,
    llmCalls: 0,
    costUsd: 0,
    output: null,
    error: null,
  };
  emit({ type: 'item-start', at: startedAt, id: item.id, title: item.title, action });

  const warn: Warn = (message) => emit({ type: 'item-output', at: clock.now(), id: item.id, text: `warning: ${message}\n`, debug: false });
  let store: CheckpointStore | undefined;
  try {
    store = new RedactingCheckpointStore(await openStore(item, action, dependencies, warn), dependencies.redact);
    const checkpoint = action.kind === 'resume' ? await loadOrSetAside(store, warn) : undefined;
    let resumeFrom = checkpoint === undefined ? undefined : resumeState(checkpoint, dependencies);
    if (resumeFrom instanceof CheckpointStateError) resumeFrom = await setAside(store, resumeFrom, warn);
    if (action.kind === 'resume' && resumeFrom === undefined) summary.stage = 'start';
    const context = createContext(item, store, controller.signal, summary, dependencies);
    if (resumeFrom !== undefined && checkpoint !== undefined && continuesBlocked(action, checkpoint)) {
      resumeFrom = await reopenBlockedItem({
        workflow,
        item,
        state: resumeFrom,
        checkpoint,
        store,
        clock,
        log: (message) => context.log(message),
      });
    }
    const outcome = await raceWithAbort(workflow.runItem(item, context, resumeFrom), controller.signal);
    summary.status = outcome.status;
    summary.output = outcome.output ?? null;
    summary.error = outcome.reason ?? null;
    if (outcome.status === 'blocked' && outcome.blocked) summary.blocked = outcome.blocked;
    if (outcome.status === 'succeeded') {
      // A checkpoint left behind (a crash before this, a failed delete) is resumed at its end next time and removed then.
      await store.remove().catch((error: unknown) => {
        warn(`the item is done but its checkpoint could not be removed (${asError(error).message}); the next run removes it`);
      });
    } else {
      await store.setStatus('blocked', outcome.reason);
    }
  } catch (error) {
    const reason = controller.signal.aborted ? abortReason(controller.signal) : asError(error);
    summary.status = statusForError(reason);
    summary.error = reason.message;
    if (summary.status === 'failed' && stopsRun(reason)) dependencies.onRunStopping?.(reason);
    await store?.setStatus(summary.status === 'interrupted' ? 'interrupted' : 'failed', summary.error).catch(() => undefined);
  } finally {
    timerController.abort(ITEM_FINISHED);
    dependencies.runSignal.removeEventListener('abort', forwardInterrupt);
    // Ends any work the item left behind (a hung call) once its outcome is settled.
    controller.abort(ITEM_FINISHED);
    await store?.close().catch(() => undefined);
  }
  summary.durationMs = clock.now() - startedAt;
  emit({ type: 'item-end', at: clock.now(), id: item.id, result: summary });
  return summary;
}

async function openStore<Item extends WorkItem, State>(
  item: Item,
  action: ItemPlanAction,
  dependencies: RunItemDependencies<Item, State>,
  warn: Warn,
): Promise<CheckpointStore> {
  const store = await dependencies.checkpoints.open(dependencies.workflow.name, item.id);
  if (action.kind === 'start' && (await loadOrSetAside(store, warn)) !== undefined) {
    // A blocked item runs again from the start: its old state must not leak into the new run.
    await store.remove();
    await store.close();
    return dependencies.checkpoints.open(dependencies.workflow.name, item.id);
  }
  return store;
}

type Warn = (message: string) => void;

/**
 * The state to resume from. A checkpoint that cannot be read (garbage, truncated, damaged state) is
 * moved aside and the item starts afresh with a warning; one written by a newer lldflow fails the item,
 * its error saying what to do, and is left as it is.
 */
function resumeState<Item extends WorkItem, State>(
  checkpoint: Checkpoint,
  dependencies: RunItemDependencies<Item, State>,
): State | CheckpointStateError {
  try {
    return dependencies.workflow.parseState(checkpoint.state);
  } catch (error) {
    // Damaged: the caller moves it aside and starts afresh. Newer: the item fails with it.
    if (error instanceof CheckpointStateError && error.kind === 'damaged') return error;
    throw error;
  }
}

function loadOrSetAside(store: CheckpointStore, warn: Warn): Promise<Checkpoint | undefined> {
  return store.load().catch(async (error: unknown) => {
    if (!(error instanceof CheckpointSchemaError) || error.kind !== 'unreadable') throw error;
    await setAside(store, error, warn);
    return undefined;
  });
}

async function setAside(store: CheckpointStore, error: Error, warn: Warn): Promise<undefined> {
  const movedTo = await store.setAside();
  warn(
    `its checkpoint could not be read (${error.message}); ${movedTo === undefined ? 'it is gone' : `moved to ${movedTo}`}, starting afresh`,
  );
  return undefined;
}

function createContext<Item extends WorkItem, State>(
  item: Item,
  store: CheckpointStore,
  signal: AbortSignal,
  summary: ItemSummary,
  dependencies: RunItemDependencies<Item, State>,
): ItemContext {
  const { emit, clock } = dependencies;
  const write = (text: string, debug: boolean): void => {
    if (text.length > 0) emit({ type: 'item-output', at: clock.now(), id: item.id, text, debug });
  };
  return {
    item: { id: item.id, title: item.title },
    runId: dependencies.runId,
    workflow: dependencies.workflow.name,
    signal,
    clock,
    checkpoint: store,
    write: (text) => write(text, false),
    log: (message) => write(`${message}\n`, false),
    debug: (message) => write(`${message}\n`, true),
    setStage(stage) {
      summary.stage = stage;
      emit({ type: 'item-stage', at: clock.now(), id: item.id, stage });
    },
    redact: (text) => dependencies.redact(text),
    holdsSecret: (text) => dependencies.holdsSecret(text),
    recordModelCall(call) {
      summary.llmCalls += call.requests ?? 1;
      summary.costUsd += call.costUsd;
      emit({ type: 'model-call', at: clock.now(), id: item.id, call });
    },
  };
}

function statusForError(error: Error): ItemStatus {
  if (error instanceof InterruptedError) return 'interrupted';
  return 'failed';
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
