import type { Clock } from '../clock/clock.js';
import type { CheckpointStoreFactory } from '../checkpoints/store.js';
import type { ItemLeases } from '../checkpoints/item-lease.js';
import type { EmitEvent, PlannedItem } from './events.js';
import { setMaxListeners } from 'node:events';
import { compareItemIds } from '../core/compare-item-ids.js';
import { noRedaction, type Redact } from '../core/redact.js';
import { planItems, planRefused, type ItemFacts, type Selection } from './plan.js';
import { redactingEmitter, redactRunSummary } from './redacting-events.js';
import { runLeasedItem } from './leased-item.js';
import { runOneItem } from './run-item.js';
import { buildSummary, type BlockedCommands } from './summary.js';
import type { ItemPlanAction, ItemStatus, ItemSummary, RefusedItem, RunSummary, WorkItem } from '../core/items.js';
import type { Workflow } from './types.js';

export interface RunWorkflowDependencies<Item extends WorkItem = WorkItem, State = unknown> {
  workflow: Workflow<Item, State>;
  checkpoints: CheckpointStoreFactory;
  clock: Clock;
  emit: EmitEvent;
  /** The run's one cancellation signal (Ctrl+C / SIGTERM). */
  signal: AbortSignal;
  runId: string;
  /** How each item ended in the previous run of this workflow (for --retry-failed). */
  lastRunStatuses?: ReadonlyMap<string, ItemStatus>;
  /** Builds the copy-paste command that retries these ids. */
  retryCommand: (ids: string[]) => string;
  /** Builds the commands that continue (or approve) blocked items, shown with each in the summary. */
  blockedCommands?: BlockedCommands;
  /**
   * The run's redactor, applied where text leaves the run: every event, the returned summary, every
   * checkpoint write and (through ItemContext.redact) what workflows write themselves. Default: none.
   */
  redact?: Redact;
  /**
   * Whether text holds one of the run's configured secrets (the redactor's `holdsKnownSecret`); the
   * items' ItemContext.holdsSecret. Default: never.
   */
  holdsSecret?: (text: string) => boolean;
  /**
   * One process per item: each item's lease is taken before its first step, and an item another
   * process holds is skipped (see leased-item.ts). Default: none (nothing else runs on these items).
   */
  leases?: ItemLeases;
}

export interface RunPlan<Item extends WorkItem = WorkItem> {
  planned: PlannedItem[];
  /** The collected items, whole, as the workflow returned them: each is handed back to it to run. */
  items: Map<string, Item>;
}

export interface RunSettings extends Selection {
  parallel: number;
  timeoutMs: number;
  /**
   * Items run at once here, when not `parallel`: a fleet's submitter follows every selected item at
   * once, and the fleet's own cap (`parallel`, BullMQ's global concurrency) decides which run, so an
   * item that ends on a worker frees its slot there without waiting for this process.
   */
  atOnce?: 'parallel' | 'every-item';
}

/** Collects the candidates and decides what would happen to each; writes nothing and calls no model. */
export async function planRun<Item extends WorkItem, State>(
  settings: Selection,
  dependencies: Pick<RunWorkflowDependencies<Item, State>, 'workflow' | 'checkpoints' | 'signal' | 'lastRunStatuses'>,
): Promise<RunPlan<Item>> {
  const { workflow, checkpoints } = dependencies;
  const refused: RefusedItem[] = [];
  const collected = await workflow.collectItems({
    ids: settings.explicitIds,
    signal: dependencies.signal,
    onRefused: (entry) => refused.push(entry),
  });
  const ordered = settings.explicitIds ? collected : [...collected].sort((left, right) => compareItemIds(left.id, right.id));
  const facts: ItemFacts[] = await Promise.all(
    ordered.map(async (item) => ({
      item,
      completedOutput: await workflow.completedOutput(item),
      checkpoint: await checkpoints.peek(workflow.name, item.id),
      lastRunStatus: dependencies.lastRunStatuses?.get(item.id),
    })),
  );
  return {
    planned: [...planItems(facts, settings), ...planRefused(refused, settings, dependencies.lastRunStatuses)],
    items: new Map(ordered.map((item) => [item.id, item])),
  };
}

/**
 * The one runner every workflow goes through: plans the items, then runs them on `parallel` workers
 * (each pulls the next queued item when it is free). On abort, workers stop taking items, queued
 * items end as cancelled and running ones are interrupted; the summary is still built.
 */
export async function runWorkflow<Item extends WorkItem, State>(
  settings: RunSettings,
  dependencies: RunWorkflowDependencies<Item, State>,
  plan?: RunPlan<Item>,
): Promise<RunSummary> {
  const { clock, signal } = dependencies;
  const redact = dependencies.redact ?? noRedaction;
  const holdsSecret = dependencies.holdsSecret ?? holdsNoSecret;
  const emit = redactingEmitter(dependencies.emit, redact);
  const startedAt = clock.now();
  const { planned, items } = plan ?? (await planRun(settings, dependencies));
  emit({
    type: 'run-start',
    at: startedAt,
    runId: dependencies.runId,
    workflow: dependencies.workflow.name,
    parallel: settings.parallel,
    items: planned,
  });

  const results = new Map<string, ItemSummary>();
  const queue: PlannedItem[] = [];
  for (const entry of planned) {
    if (entry.action.kind === 'skip') results.set(entry.id, skippedSummary(entry, entry.action.reason));
    else if (entry.action.kind === 'refuse') results.set(entry.id, refusedSummary(entry, entry.action));
    else queue.push(entry);
  }
  // Items listen to a signal of the run's own, so the caller's signal carries one listener, not one per item.
  const run = new AbortController();
  const workerCount = Math.max(1, settings.atOnce === 'every-item' ? queue.length : Math.min(settings.parallel, queue.length));
  setMaxListeners(workerCount + 8, run.signal);
  const onInterrupt = (): void => {
    emit({ type: 'run-interrupting', at: clock.now() });
    run.abort(signal.reason);
  };
  if (signal.aborted) run.abort(signal.reason);
  else signal.addEventListener('abort', onInterrupt, { once: true });

  // The first failure every other item would share ends dispatching: queued items fail with its message.
  let stopping: { id: string; reason: string } | undefined;
  const onRunStopping = (id: string, error: Error): void => {
    if (stopping) return;
    stopping = { id, reason: error.message };
    emit({ type: 'run-stopping', at: clock.now(), id, reason: error.message });
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (!run.signal.aborted && stopping === undefined && next < queue.length) {
      const entry = queue[next++]!;
      const item = items.get(entry.id);
      if (!item) throw new Error(`internal: planned item ${entry.id} was not collected`);
      const itemDependencies = {
        workflow: dependencies.workflow,
        checkpoints: dependencies.checkpoints,
        clock,
        emit,
        runId: dependencies.runId,
        runSignal: run.signal,
        timeoutMs: settings.timeoutMs,
        redact,
        holdsSecret,
        onRunStopping: (error: Error) => onRunStopping(entry.id, error),
      };
      const leases = dependencies.leases;
      const summary = leases
        ? await runLeasedItem(item, entry.action, itemDependencies, { leases, runStartedAt: startedAt, choice: settings })
        : await runOneItem(item, entry.action, itemDependencies);
      results.set(entry.id, summary);
    }
  };
  await Promise.all(Array.from({ length: workerCount }, worker));
  signal.removeEventListener('abort', onInterrupt);

  for (const entry of queue) {
    if (results.has(entry.id)) continue;
    results.set(entry.id, stopping ? notStartedSummary(entry, stopping) : cancelledSummary(entry));
  }
  const summary = buildSummary({
    runId: dependencies.runId,
    workflow: dependencies.workflow.name,
    startedAt,
    durationMs: clock.now() - startedAt,
    parallel: settings.parallel,
    items: planned.map((entry) => results.get(entry.id)!),
    retryCommand: dependencies.retryCommand,
    ...(dependencies.blockedCommands ? { blockedCommands: dependencies.blockedCommands } : {}),
  });
  emit({ type: 'run-end', at: clock.now(), summary });
  // What is saved to .lldflow/runs/ and printed as JSON.
  return redactRunSummary(summary, redact);
}

function holdsNoSecret(): boolean {
  return false;
}

function skippedSummary(entry: PlannedItem, reason: string): ItemSummary {
  const output = reason.startsWith('done: ') ? reason.slice('done: '.length) : null;
  return {
    id: entry.id,
    title: entry.title,
    status: 'skipped',
    stage: 'done',
    durationMs: 0,
    llmCalls: 0,
    costUsd: 0,
    output,
    error: null,
  };
}

/** An invalid source file or an item refused before it started: listed with why, never run. */
function refusedSummary(entry: PlannedItem, action: Extract<ItemPlanAction, { kind: 'refuse' }>): ItemSummary {
  return {
    id: entry.id,
    title: entry.title,
    status: action.status,
    stage: 'collect',
    durationMs: 0,
    llmCalls: 0,
    costUsd: 0,
    output: null,
    error: action.reason,
  };
}

/** Not started because an earlier item failed in a way this one would too: failed, with that item's reason. */
function notStartedSummary(entry: PlannedItem, stopping: { id: string; reason: string }): ItemSummary {
  return { ...cancelledSummary(entry), status: 'failed', error: `not started: ${stopping.reason} (item ${stopping.id})` };
}

function cancelledSummary(entry: PlannedItem): ItemSummary {
  const stage = entry.action.kind === 'resume' ? entry.action.stage : 'queued';
  return {
    id: entry.id,
    title: entry.title,
    status: 'cancelled',
    stage,
    durationMs: 0,
    llmCalls: 0,
    costUsd: 0,
    output: null,
    error: 'cancelled before it started',
  };
}
