import { abortReason } from '../core/abort.js';
import { InterruptedError } from '../core/errors.js';
import type { ItemOutcome, RefusedItem, WorkItem } from '../core/items.js';
import type { ItemContext, Workflow } from '../runner/types.js';
import type { FleetClient } from './fleet-client.js';
import { FLEET_JOB_VERSION, fleetProgressBatchSchema, fleetResultSchema, type FleetJob, type FleetResult } from './fleet-job.js';
import { jobIdFor } from './fleet-names.js';
import { writeOutputFiles } from './output-files.js';

export interface RemoteWorkflowOptions<Item extends WorkItem = WorkItem> {
  fleet: FleetClient;
  /** Where the finished items' outputs are written: the submitter's repository. */
  repo: string;
  repositoryId: string;
  /** What a worker needs to build the workflow (models, limits, template, layout). */
  settings: Record<string, unknown>;
  timeoutMs: number;
  /**
   * Runs here once a finished job's outputs are in this repository: what only the submitter can do or
   * should do (file an approved issue with its own token, fetch a branch a worker pushed). Its outcome
   * is the item's.
   */
  /** What the job carries of the item beyond the item itself (implement: its approved design, read here). */
  jobItem?: (item: Item) => Promise<Record<string, unknown>>;
  settle?: (item: Item, outcome: ItemOutcome, result: FleetResult, context: ItemContext) => Promise<ItemOutcome>;
}

/**
 * A workflow run on the fleet: items are collected, planned and reported here exactly as in a local
 * run (the local workflow does that), but each item runs as a job on some worker. Its events arrive as
 * the job's progress and are shown as the item's own; its outputs come back with the job's result and
 * are written into this repository. Aborting the item (Ctrl+C, its time-out) stops it fleet-wide.
 */
export class RemoteWorkflow<Item extends WorkItem, State> implements Workflow<Item, State> {
  readonly name;

  constructor(
    private readonly local: Workflow<Item, State>,
    private readonly options: RemoteWorkflowOptions<Item>,
  ) {
    this.name = local.name;
  }

  collectItems(request: { ids: string[] | undefined; signal: AbortSignal; onRefused: (refused: RefusedItem) => void }): Promise<Item[]> {
    return this.local.collectItems(request);
  }

  parseState(state: unknown): State {
    return this.local.parseState(state);
  }

  completedOutput(item: Item): Promise<string | undefined> {
    return this.local.completedOutput(item);
  }

  /** The workers run the same calls: the local workflow's projection (undefined when it has none). */
  get expectedCalls(): Workflow<Item, State>['expectedCalls'] {
    return this.local.expectedCalls?.bind(this.local);
  }

  /** Puts the item on the fleet's queue (or finds it there) without following it: `--detach`. */
  async enqueue(item: Item, runId: string): Promise<string> {
    const jobId = this.jobIdOf(item);
    await this.options.fleet.submit(jobId, await this.jobFor(item, runId));
    return jobId;
  }

  async runItem(item: Item, context: ItemContext): Promise<ItemOutcome> {
    const { fleet } = this.options;
    const jobId = this.jobIdOf(item);
    const data = await this.jobFor(item, context.runId);
    const onProgress = ({ jobId: id, data: update }: { jobId: string; data: unknown }): void => {
      if (id !== jobId) return;
      const parsed = fleetProgressBatchSchema.safeParse(update);
      if (!parsed.success) return;
      for (const event of parsed.data.events) {
        if (event.type === 'item-output') {
          if (event.debug) context.debug(event.text.replace(/\n$/, ''));
          else context.write(event.text);
        } else if (event.type === 'item-stage') context.setStage(event.stage);
        else if (event.type === 'model-call') context.recordModelCall(event.call);
        else context.log(`running on worker ${event.worker}`);
      }
    };
    fleet.events.on('progress', onProgress);
    const stop = (): void => void fleet.stop(jobId);
    context.signal.addEventListener('abort', stop, { once: true });
    try {
      const job = await fleet.submit(jobId, data);
      // Stopped while it was being submitted: the stop found no job yet.
      if (context.signal.aborted) stop();
      // Every item is followed at once: until a worker takes it (its stages follow), it waits under the fleet cap.
      else if ((await job.getState()) === 'waiting') context.setStage('queued');
      const result = await Promise.race([job.waitUntilFinished(fleet.events), aborted(context.signal)]);
      const parsed = fleetResultSchema.parse(result);
      const outcome = await this.finish(parsed, context);
      return this.options.settle ? await this.options.settle(item, outcome, parsed, context) : outcome;
    } finally {
      fleet.events.off('progress', onProgress);
      context.signal.removeEventListener('abort', stop);
    }
  }

  private jobIdOf(item: Item): string {
    return jobIdFor(this.options.repositoryId, this.name, item.id);
  }

  private async jobFor(item: Item, runId: string): Promise<FleetJob> {
    const extra = this.options.jobItem ? await this.options.jobItem(item) : {};
    return {
      version: FLEET_JOB_VERSION,
      repositoryId: this.options.repositoryId,
      workflow: this.name,
      // The item whole (its text, labels): the worker has no source to read it from.
      item: { ...extra, ...(item as WorkItem & Record<string, unknown>) },
      runId,
      timeoutMs: this.options.timeoutMs,
      settings: this.options.settings,
    };
  }

  /** The worker's summary as this run's outcome, once its outputs are in this repository. */
  private async finish(result: FleetResult, context: ItemContext): Promise<ItemOutcome> {
    await writeOutputFiles(this.options.repo, result.files);
    const { summary } = result;
    if (summary.status === 'succeeded' || summary.status === 'blocked') {
      return {
        status: summary.status,
        ...(summary.output === null ? {} : { output: summary.output }),
        ...(summary.error === null ? {} : { reason: summary.error }),
      };
    }
    if (summary.status === 'interrupted')
      throw context.signal.aborted ? abortReason(context.signal) : new InterruptedError(summary.error ?? 'interrupted');
    throw new Error(summary.error ?? `ended ${summary.status} on worker ${result.worker}`);
  }
}

/** Rejects when the item is aborted: the job may still take a moment to end on its worker, which need not be waited for. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(abortReason(signal));
    else signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
  });
}
