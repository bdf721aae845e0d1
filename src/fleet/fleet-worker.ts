import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { RedisCheckpointStoreFactory } from '../checkpoints/redis-store.js';
import type { Clock } from '../clock/clock.js';
import { InterruptedError } from '../core/errors.js';
import type { WorkItem } from '../core/items.js';
import type { Redact } from '../core/redact.js';
import type { EngineUrl } from '../redis/engine-url.js';
import { connectRedis } from '../redis/redis-connection.js';
import type { RunEvent } from '../runner/events.js';
import { runOneItem } from '../runner/run-item.js';
import type { Workflow } from '../runner/types.js';
import { FLEET_JOB_VERSION, fleetJobSchema, type FleetJob, type FleetProgress, type FleetResult } from './fleet-job.js';
import { BULL_PREFIX, CANCEL_CHANNEL, lockKeyOf, QUEUE_NAME } from './fleet-names.js';
import { FleetBlobs, MissingBlobError } from './fleet-blobs.js';
import { MachineSlots } from './machine-slots.js';
import { collectOutputFiles } from './output-files.js';

/** The workflow a job runs, built by the caller (the CLI knows every workflow) in a scratch repository. */
export interface JobWorkflow {
  workflow: Workflow<WorkItem, unknown>;
  redact: Redact;
  holdsSecret: (text: string) => boolean;
  /** Called once the item ended, before its outputs are collected from the scratch folder (an agent's processes, a clone's lock). */
  close?: () => Promise<void>;
}

export interface FleetWorkerOptions {
  url: string | EngineUrl;
  /** Items this machine runs at once (`worker --parallel`), whatever queue they come from. */
  parallel: number;
  /** The queues served (default the fleet's queue of clone-free items; a worker with a clone adds its repository's implement queue). */
  queues?: string[];
  clock: Clock;
  /** SIGTERM / Ctrl+C: running items are interrupted (their checkpoints kept) and handed back to the queue. */
  signal: AbortSignal;
  workflowFor: (job: FleetJob, scratch: string) => Promise<JobWorkflow>;
  /** The worker's own lines (which item it took, how it ended). */
  log: (line: string) => void;
  /** How long a job's lock lasts without renewal: a dead worker's items are taken over after it. */
  lockDurationMs?: number;
  name?: string;
}

/** BullMQ's default: long enough for an event loop stall, short enough that a dead worker's items move on. */
const DEFAULT_LOCK_DURATION_MS = 30_000;

/**
 * `lldflow worker --engine redis://…`: takes items from the fleet's queue and runs each with the same
 * workflow code as a local run — checkpoints in Redis, fenced by the job's lock so a worker that lost
 * an item never writes it again — and reports its events and outputs back to the submitter.
 */
export async function runFleetWorker(options: FleetWorkerOptions): Promise<void> {
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const connection = connectRedis(options.url, { maxRetriesPerRequest: null });
  const subscriber = connectRedis(options.url);
  const running = new Map<string, AbortController>();
  const blobs = new FleetBlobs(connection);
  let stopping = false;
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on('message', (_channel: string, jobId: string) => {
    running.get(jobId)?.abort(new InterruptedError('stopped by the submitter'));
  });
  const lockDuration = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  const queues = options.queues ?? [QUEUE_NAME];
  const workers = queues.map((queueName) => {
    const worker = new Worker<FleetJob, FleetResult>(queueName, (job, token) => runJob(queueName, job, token), {
      connection,
      prefix: BULL_PREFIX,
      // Recorded on each job it takes (`processedBy`): `lldflow status --engine` shows who runs what.
      name,
      concurrency: options.parallel,
      lockDuration,
      stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
      // A job taken over from a dead worker resumes from its checkpoint: that is no reason to fail it.
      maxStalledCount: 1000,
    });
    worker.on('error', (error) => options.log(`worker error: ${error.message}`));
    return worker;
  });
  // One queue: BullMQ's concurrency is the machine's cap. Several: each fetches only while the machine has room.
  const slots = new MachineSlots(options.parallel, (full) => {
    if (workers.length < 2 || stopping) return;
    for (const worker of workers) {
      if (full) void worker.pause(true);
      else void worker.resume();
    }
  });

  async function runJob(queueName: string, job: Job<FleetJob, FleetResult>, token: string | undefined): Promise<FleetResult> {
    const parsed = fleetJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`job ${job.id ?? ''} is not a version ${FLEET_JOB_VERSION} lldflow job: ${parsed.error.message}`);
    }
    const data = { ...parsed.data, settings: await blobs.resolve(parsed.data.settings).catch(unrecoverableIfMissing) };
    const jobId = job.id ?? '';
    const scratch = await mkdtemp(join(tmpdir(), 'lldflow-worker-'));
    const controller = new AbortController();
    running.set(jobId, controller);
    if (stopping) controller.abort(new InterruptedError('the worker is stopping'));
    try {
      await slots.acquire(controller.signal);
    } catch (error) {
      running.delete(jobId);
      await rm(scratch, { recursive: true, force: true });
      if (!stopping) throw error;
      await job.moveToWait(token);
      throw new WaitingError();
    }
    // In order, and coalesced: a step's lines go out together once the step's synchronous work is done,
    // and while one update is on its way the next events gather, so a chatty item costs one round trip
    // per batch, not per line. A lost update is never worth failing the item.
    let pending: FleetProgress[] = [];
    let sending: Promise<void> | undefined;
    const flush = async (): Promise<void> => {
      while (pending.length > 0) {
        const events = pending;
        pending = [];
        await job.updateProgress({ events }).catch(() => undefined);
      }
      sending = undefined;
    };
    const report = (update: FleetProgress): void => {
      pending.push(update);
      sending ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush);
    };
    let jobWorkflow: JobWorkflow | undefined;
    try {
      options.log(`[${data.item.id}] taken (${data.workflow}, job ${jobId})`);
      report({ type: 'worker', worker: name });
      jobWorkflow = await options.workflowFor(data, scratch);
      const { workflow, redact, holdsSecret } = jobWorkflow;
      const checkpoints = new RedisCheckpointStoreFactory({ redis: connection, namespace: data.repositoryId }).fenced({
        lockKey: lockKeyOf(queueName, jobId),
        token: token ?? '',
      });
      const stored = await checkpoints.peek(workflow.name, data.item.id);
      const summary = await runOneItem(data.item, stored ? { kind: 'resume', stage: stored.stage } : { kind: 'start' }, {
        workflow,
        checkpoints,
        clock: options.clock,
        emit: (event) => forward(event, report),
        runId: data.runId,
        runSignal: controller.signal,
        timeoutMs: data.timeoutMs,
        redact,
        holdsSecret,
      });
      await sending;
      await jobWorkflow.close?.();
      jobWorkflow = undefined;
      options.log(`[${data.item.id}] ${summary.status}${summary.error ? `: ${summary.error}` : ''}`);
      if (stopping && summary.status === 'interrupted') {
        // Handed back at once: another worker resumes it from the checkpoint this one kept.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      return { summary, files: await collectOutputFiles(scratch), worker: name };
    } finally {
      await jobWorkflow?.close?.().catch(() => undefined);
      running.delete(jobId);
      slots.release();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  stopping = true;
  for (const controller of running.values()) controller.abort(new InterruptedError('the worker is stopping'));
  await Promise.all(workers.map((worker) => worker.close()));
  await subscriber.quit().catch(() => undefined);
  await connection.quit().catch(() => undefined);
}

/** A job whose settings are gone from Redis cannot run as submitted, here or anywhere: no retry. */
function unrecoverableIfMissing(error: unknown): never {
  if (error instanceof MissingBlobError) throw new UnrecoverableError(error.message);
  throw error;
}

/** The events a submitter shows for the item: what it prints, its stage, its model calls. */
function forward(event: RunEvent, report: (update: FleetProgress) => void): void {
  if (event.type === 'item-output') report({ type: 'item-output', text: event.text, debug: event.debug });
  else if (event.type === 'item-stage') report({ type: 'item-stage', stage: event.stage });
  else if (event.type === 'model-call') report({ type: 'model-call', call: event.call });
}
