import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisKey } from '../redis/redis-connection.js';

/** How long a blob outlives its last submit: longer than any job waits in the queue. */
const BLOB_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Blobs a worker keeps in memory: one per repository state it is working on, give or take. */
const WORKER_CACHE_SIZE = 16;

/** A job setting kept once in Redis (by its content's hash) instead of in every job: `{ $blob: "<sha256>" }`. */
export interface BlobReference {
  $blob: string;
}

export function isBlobReference(value: unknown): value is BlobReference {
  return typeof value === 'object' && value !== null && typeof (value as { $blob?: unknown }).$blob === 'string';
}

/** A referenced blob that expired, or was never stored: the job cannot run as submitted. */
export class MissingBlobError extends Error {}

/**
 * Large job settings kept once: a repository's file list (tens of thousands of paths) would otherwise
 * be stored in every one of its jobs. Content-addressed, so every submitter of the same repository
 * state shares one copy; each submit renews its time-to-live.
 */
export class FleetBlobs {
  private readonly stored = new Map<string, Promise<string>>();
  private readonly loaded = new Map<string, Promise<unknown>>();

  constructor(private readonly redis: Redis) {}

  /** Stores `value` (once per process) and returns the reference a job carries instead. */
  put(value: unknown): Promise<BlobReference> {
    const json = JSON.stringify(value);
    const hash = createHash('sha256').update(json).digest('hex');
    let stored = this.stored.get(hash);
    if (!stored) {
      stored = this.redis.set(redisKey('blob', hash), json, 'EX', BLOB_TTL_SECONDS).then(() => hash);
      stored.catch(() => this.stored.delete(hash));
      this.stored.set(hash, stored);
    }
    return stored.then(($blob) => ({ $blob }));
  }

  /** The settings with every blob reference replaced by its value (the job's own copy is untouched). */
  async resolve(settings: Record<string, unknown>): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      Object.entries(settings).map(async ([key, value]) => [key, isBlobReference(value) ? await this.get(key, value) : value] as const),
    );
    return Object.fromEntries(entries);
  }

  private get(setting: string, reference: BlobReference): Promise<unknown> {
    const hash = reference.$blob;
    let loaded = this.loaded.get(hash);
    if (!loaded) {
      loaded = this.redis.get(redisKey('blob', hash)).then((json) => {
        if (json === null) {
          throw new MissingBlobError(
            `the job's ${setting} is no longer in Redis (kept ${BLOB_TTL_SECONDS / 86_400} days after a submit): submit it again`,
          );
        }
        return JSON.parse(json) as unknown;
      });
      loaded.catch(() => this.loaded.delete(hash));
      this.loaded.set(hash, loaded);
      // The oldest first out: Maps iterate in insertion order.
      for (const oldest of this.loaded.keys()) {
        if (this.loaded.size <= WORKER_CACHE_SIZE) break;
        this.loaded.delete(oldest);
      }
    }
    return loaded;
  }
}
