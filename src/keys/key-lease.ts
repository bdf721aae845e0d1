import type { Clock } from '../clock/clock.js';
import type { KeyUnusableError } from '../model-call/errors.js';
import type { BackoffOptions } from './backoff.js';
import type { Cooldown } from './cooldown.js';

/** The key pool's contract with the calls it serves: leases, waits, options, snapshots. */

/** One call's hold on a key. Exactly one of `release` / `rateLimited` / `setAside` ends it. */
export interface KeyLease {
  /** Masked name: `openai#1` (1-based, order of the key list); a keyless pool's slot is `openai`. */
  readonly name: string;
  /** The key itself; undefined for a keyless pool. Never print, log or store it. */
  readonly value: string | undefined;
  /** Returns the lease. `succeeded` true resets the key's consecutive-429 count. */
  release(succeeded?: boolean): void;
  /** Marks the key rate-limited and releases the lease; returns the cool-down applied. */
  rateLimited(retryAfterMs: number | undefined): Cooldown;
  /**
   * The key cannot serve this run (revoked, out of quota): this pool never leases it again. Releases
   * the lease. Returns false when the key was already set aside, so the key is announced only once.
   */
  setAside(error: KeyUnusableError): boolean;
  /**
   * What the provider's response to this lease's call said about the key's limits (`x-ratelimit-*`,
   * `anthropic-ratelimit-*`), for pacing. May be called while the lease is held, once per response.
   */
  observeHeaders(headers: Record<string, string | undefined>): void;
}

/**
 * Where calls get their keys: a worker's own KeyPool, or a FleetKeyPool that also keeps the per-key
 * cap and the rests across the workers of a fleet. Callers depend on this, not on either class.
 */
export interface KeySource {
  /** Provider name, used in key names and messages. */
  readonly provider: string;
  /** How many keys (a keyless source has one unnamed slot). */
  readonly size: number;
  /** A lease on a key that can take `demand`, waiting for one if need be (see KeyPool.acquire). */
  acquire(signal: AbortSignal, onWait?: (info: KeyWaitInfo) => void, demand?: KeyDemand): Promise<KeyLease>;
  /** Names (never values) and state, for progress display and tests. */
  snapshot(): KeySnapshot[];
}

/** Why another worker of the fleet keeps a key from this one: all its slots are taken there, or it rests after a 429 there. */
export type ElsewhereHold = 'busy' | 'resting';

/** A lease of the local KeyPool, which a FleetKeyPool may hand back unused when the fleet says no. */
export interface LocalKeyLease extends KeyLease {
  /**
   * The fleet will not let this worker use the key for now: returns the lease unused and holds the key
   * back for `retryAfterMs`, without counting a 429 against it. A `busy` hold also ends when
   * KeyPool.freedElsewhere names the key, a `resting` one does not.
   */
  heldElsewhere(retryAfterMs: number, why: ElsewhereHold): void;
}

/** What one call will spend of a key's rate limits, besides the one request it is. */
export interface KeyDemand {
  /** Estimated tokens in all: the input plus the requested maximum output (see estimateRequestTokens). */
  tokens: number;
  /**
   * The part of `tokens` that is the requested maximum output, when known, so limits on input or output
   * tokens alone (Anthropic's) are charged their part; without it each is charged all of `tokens`.
   */
  outputTokens?: number;
  /**
   * The model the call is for: providers count limits per key and model (OpenAI, Anthropic), so a key's
   * budget for one model says nothing about another's. Calls without one share a budget.
   */
  model?: string;
  /** The item the call is for: named in the run's key activity (see observed-key-source.ts), never used to choose a key. */
  itemId?: string;
}

/** Why an acquire waits, for the one "waiting for a key" line. */
export interface KeyWaitInfo {
  provider: string;
  keys: number;
  /** Keys carrying as many calls as they may. */
  busy: number;
  /** Keys resting after a 429. */
  cooling: number;
  /** Keys held back because their rate-limit headers say the call's demand does not fit yet. */
  paced: number;
  /** Keys set aside for the run (rejected or out of quota). */
  setAside: number;
  /** Until the earliest cool-down or pacing hold ends; undefined when only a release can free a key. */
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
  /**
   * Longest one acquire may wait before failing with KeyPoolExhaustedError; an acquire whose earliest
   * possible key lies beyond it fails at once with ModelCallError('rate-limited'). Default 10 minutes.
   */
  maxWaitMs?: number;
  /** Cool-down after a 429 without a usable retry-after. Default { baseMs: 1000, maxMs: 60000 }. */
  backoff?: BackoffOptions;
  /** Longest rest after one 429, whatever the provider announced. Default 10 minutes; > 0. */
  maxCooldownMs?: number;
  /** Hold a key back before its announced limits run out (from observeHeaders). Default true; `--no-pacing` turns it off. */
  pacing?: boolean;
  /**
   * Wall time in ms since the epoch, to read the absolute reset dates of rate-limit headers; the wait
   * they give then runs on `clock`. Default Date.now.
   */
  wallNow?: () => number;
}

export interface KeySnapshot {
  name: string;
  inFlight: number;
  /** When the current cool-down ends; undefined when the key is not cooling down. */
  coolingUntil: number | undefined;
  /** When the key was last leased. */
  lastUsedAt: number | undefined;
  /** Why the key is set aside for the run; undefined while it is usable. */
  setAside: { kind: KeyUnusableError['kind']; why: string } | undefined;
  /** Until when pacing holds back a call of one request and no tokens; undefined when it does not. */
  pacedUntil: number | undefined;
}
