import type { Clock } from '../clock/clock.js';
import type { BackoffOptions } from './backoff.js';

/** The key pool's contract with the calls it serves: leases, waits, options, snapshots. */

/** One call's hold on a key. Exactly one of `release` / `rateLimited` ends it. */
export interface KeyLease {
  /** Masked name: `openai#1` (1-based, order of the key list); a keyless pool's slot is `openai`. */
  readonly name: string;
  /** The key itself; undefined for a keyless pool. Never print, log or store it. */
  readonly value: string | undefined;
  /** Returns the lease. `succeeded` true resets the key's consecutive-429 count. */
  release(succeeded?: boolean): void;
  /** Marks the key rate-limited and releases the lease; returns the cool-down applied in ms. */
  rateLimited(retryAfterMs: number | undefined): number;
  /**
   * What the provider's response to this lease's call said about the key's limits (`x-ratelimit-*`,
   * `anthropic-ratelimit-*`), for pacing. May be called while the lease is held, once per response.
   */
  observeHeaders(headers: Record<string, string | undefined>): void;
}

/** Why an acquire waits, for the one "waiting for a key" line. */
export interface KeyWaitInfo {
  provider: string;
  keys: number;
  /** Keys carrying as many calls as they may. */
  busy: number;
  /** Keys resting after a 429. */
  cooling: number;
  /** Until the earliest cool-down ends; undefined when only a release can free a key. */
  nextFreeInMs: number | undefined;
}

export interface KeyPoolOptions {
  /** Provider name, used in key names and messages. */
  provider: string;
  /** The provider's keys; empty means a keyless pool (one unnamed slot without a concurrency cap). */
  keys: readonly string[];
  /** Calls one key may carry at once. Default 1; an integer ≥ 1. */
  perKeyConcurrency?: number;
  clock: Clock;
  /** Jitter source for the back-off. Default Math.random. */
  random?: () => number;
  /** Longest one acquire may wait before failing with KeyPoolExhaustedError. Default 10 minutes. */
  maxWaitMs?: number;
  /** Cool-down after a 429 without retry-after. Default { baseMs: 1000, maxMs: 60000 }. */
  backoff?: BackoffOptions;
  /** Hold a key back before its announced limits run out (from observeHeaders). Default true; `--no-pacing` turns it off. */
  pacing?: boolean;
}

export interface KeySnapshot {
  name: string;
  inFlight: number;
  /** When the current cool-down ends; undefined when the key is not cooling down. */
  coolingUntil: number | undefined;
  /** When the key was last leased. */
  lastUsedAt: number | undefined;
}
