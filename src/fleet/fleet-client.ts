import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EngineUrl } from '../redis/engine-url.js';
import { connectRedis } from '../redis/redis-connection.js';
import { fleetResultSchema, type FleetJob, type FleetResult } from './fleet-job.js';
import { BULL_PREFIX, CANCEL_CHANNEL, QUEUE_NAME } from './fleet-names.js';

/** States of a job another submitter's run may still be working on: it is followed, not replaced. */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * A submitter's side of the fleet: enqueue items, follow their events, stop them. One connection for
 * commands, one for the event stream (a blocking read).
 */
export class FleetClient {
  readonly queue: Queue<FleetJob, FleetResult>;
  readonly events: QueueEvents;
  readonly redis: Redis;

  private constructor(redis: Redis, queue: Queue<FleetJob, FleetResult>, events: QueueEvents) {
    this.redis = redis;
    this.queue = queue;
    this.events = events;
  }

  /** `queueName`: the queue the items go on (see fleet-names.ts: implement items have their repository's). */
  static async connect(url: string | EngineUrl, queueName = QUEUE_NAME): Promise<FleetClient> {
    const redis = connectRedis(url, { maxRetriesPerRequest: null });
    const queue = new Queue<FleetJob, FleetResult>(queueName, { connection: redis, prefix: BULL_PREFIX });
    const events = new QueueEvents(queueName, { connection: connectRedis(url, { maxRetriesPerRequest: null }), prefix: BULL_PREFIX });
    await events.waitUntilReady();
    // One listener per item being followed, and as many waits on the queue: dozens are expected.
    events.setMaxListeners(0);
    queue.setMaxListeners(0);
    return new FleetClient(redis, queue, events);
  }

  /** The fleet-wide cap on items running at once (the submitter's `--parallel`). */
  async setFleetCap(parallel: number): Promise<void> {
    await this.queue.setGlobalConcurrency(parallel);
  }

  /**
   * The item's job: the live one if another run already submitted it (it is followed); one that
   * succeeded (a `--detach`ed run) whose result, outputs and all, is then taken; else a new one — a
   * blocked, interrupted or failed job is replaced, so running the command again redoes or resumes it.
   */
  async submit(jobId: string, data: FleetJob): Promise<Job<FleetJob, FleetResult>> {
    const existing = await this.queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (LIVE_STATES.has(state)) return existing;
      const ended = state === 'completed' ? fleetResultSchema.safeParse(existing.returnvalue) : undefined;
      if (ended?.success && ended.data.summary.status === 'succeeded') return existing;
      await existing.remove().catch(() => undefined);
    }
    return this.queue.add(data.item.id, data, { jobId, removeOnComplete: false, removeOnFail: false, attempts: 1 });
  }

  /** Stops the item fleet-wide: a waiting job is removed; a running one is interrupted on its worker (its checkpoint kept). */
  async stop(jobId: string): Promise<void> {
    const job = await this.queue.getJob(jobId);
    if (job && (await job.getState()) === 'waiting') {
      await job.remove().catch(() => undefined);
      return;
    }
    await this.redis.publish(CANCEL_CHANNEL, jobId);
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    await this.redis.quit().catch(() => undefined);
  }
}
