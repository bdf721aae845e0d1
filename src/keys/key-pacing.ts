import type { KeyDemand } from './key-lease.js';
import type { RateLimitObservation, RateLimitResource } from './rate-limit-headers.js';

/**
 * One limit of one key, modelled like the providers keep it: a bucket that refills continuously up to
 * its limit. `level` may go below zero when a call larger than the whole limit was let through.
 */
interface Bucket {
  /** Undefined when the provider did not say; the bucket then only lasts until its reset. */
  limit: number | undefined;
  level: number;
  /** When `level` was true. */
  at: number;
  refillPerMs: number;
  /** When the provider said the limit is full again. */
  resetAt: number;
}

/**
 * Both providers state their limits per minute; when an observation gives no refill rate (the limit
 * is full, or the reset is 0) the limit is taken to refill over one.
 */
const ASSUMED_REFILL_MS = 60_000;
/** Refill arithmetic is in floating point: a level this close to the demand takes it. */
const TOLERANCE = 1e-6;

/**
 * What a key has left of its announced rate limits, estimated between responses: the last observation
 * of each limit, its refill since, minus what this pool reserved since (the server's count already
 * includes the calls it answered, so an observation replaces the estimate). Pure: time is passed in.
 */
export class KeyBudget {
  private readonly buckets = new Map<RateLimitResource, Bucket>();

  observe(observations: readonly RateLimitObservation[], now: number): void {
    for (const { resource, limit, remaining, resetInMs } of observations) {
      const level = limit === undefined ? remaining : Math.min(remaining, limit);
      let refillPerMs = 0;
      if (limit !== undefined) {
        refillPerMs = resetInMs > 0 && level < limit ? (limit - level) / resetInMs : limit / ASSUMED_REFILL_MS;
      }
      this.buckets.set(resource, { limit, level, at: now, refillPerMs, resetAt: now + resetInMs });
    }
  }

  /** Spends a leased call's demand. */
  reserve(demand: KeyDemand, now: number): void {
    for (const [resource, bucket] of this.liveBuckets(now)) {
      bucket.level = levelAt(bucket, now) - demandOn(resource, demand);
      bucket.at = now;
    }
  }

  /**
   * The earliest moment, at or after `now`, at which every limit can take `demand`: `now` when it
   * fits already. A demand larger than a limit fits once that limit is full, so none waits forever.
   */
  freeAt(demand: KeyDemand, now: number): number {
    let latest = now;
    for (const [resource, bucket] of this.liveBuckets(now)) {
      latest = Math.max(latest, fitsAt(bucket, demandOn(resource, demand), now));
    }
    return latest;
  }

  /** Limits without a known size say nothing past their reset; the rest stay until replaced. */
  private *liveBuckets(now: number): Iterable<[RateLimitResource, Bucket]> {
    for (const [resource, bucket] of this.buckets) {
      if (bucket.limit === undefined && now >= bucket.resetAt) {
        this.buckets.delete(resource);
        continue;
      }
      yield [resource, bucket];
    }
  }
}

function demandOn(resource: RateLimitResource, demand: KeyDemand): number {
  const tokens = Math.max(0, demand.tokens);
  const output = demand.outputTokens === undefined ? undefined : Math.min(tokens, Math.max(0, demand.outputTokens));
  switch (resource) {
    case 'requests':
      return 1;
    case 'tokens':
      return tokens;
    case 'input-tokens':
      return output === undefined ? tokens : tokens - output;
    case 'output-tokens':
      return output ?? tokens;
  }
}

function levelAt(bucket: Bucket, now: number): number {
  if (bucket.limit === undefined) return bucket.level;
  return Math.min(bucket.limit, bucket.level + bucket.refillPerMs * Math.max(0, now - bucket.at));
}

function fitsAt(bucket: Bucket, demand: number, now: number): number {
  const needed = bucket.limit === undefined ? demand : Math.min(demand, bucket.limit);
  const level = levelAt(bucket, now);
  if (level >= needed - TOLERANCE) return now;
  if (bucket.limit === undefined || bucket.refillPerMs <= 0) return bucket.resetAt;
  // Rounded up to a whole millisecond, so a wake-up at that moment finds the demand fits.
  return Math.ceil(now + (needed - level) / bucket.refillPerMs);
}
