import type { Clock } from '../clock/clock.js';
import { noRedaction, type Redact } from '../core/redact.js';
import { KeyUnusableError, ModelCallError, RateLimitedError, TransientModelError } from '../model-call/errors.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { KeyDemand, KeyLease, KeySource, KeyWaitInfo } from './key-lease.js';

export type KeyEvent =
  /**
   * A key answered 429 and rests for `cooldownMs`; `announced` when the provider's retry-after set it.
   * `askedMs` only when the provider asked for longer than the pool's longest rest, which it rests instead.
   */
  | { type: 'rate-limited'; provider: string; keyName: string; cooldownMs: number; announced: boolean; askedMs?: number }
  /** A key was rejected or is out of quota and is not leased again this run; emitted once per key. */
  | { type: 'key-set-aside'; provider: string; keyName: string; kind: KeyUnusableError['kind']; why: string }
  /** Every key is busy, cooling, paced or set aside; emitted once per wait, not per wake-up. */
  | { type: 'waiting-for-key'; info: KeyWaitInfo }
  /** Attempt `attempt` (1-based) failed transiently; the next one starts after `delayMs`. */
  | { type: 'transient-retry'; provider: string; keyName: string; attempt: number; delayMs: number; message: string };

export interface CallWithKeyOptions {
  /** Aborts waiting for a key and the back-off sleeps (the call itself gets the lease and its own signal). */
  signal: AbortSignal;
  clock: Clock;
  /** Jitter source for the transient back-off. Default Math.random. */
  random?: () => number;
  onEvent?: (event: KeyEvent) => void;
  /** What each attempt spends of a key's rate limits besides its one request (see estimateRequestDemand). Default no tokens. */
  demand?: KeyDemand;
  /** Attempts in total when failures are transient (5xx, connection reset). Default 3. */
  maxTransientAttempts?: number;
  /** Delay between transient attempts. Default { baseMs: 500, maxMs: 8000 }. */
  transientBackoff?: BackoffOptions;
  /**
   * The run's redactor: provider messages sometimes echo the request, so the transient-retry messages
   * and the final `server` error pass through it. Default: none.
   */
  redact?: Redact;
}

const DEFAULT_TRANSIENT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 8000 };

/**
 * Runs `call` with a key leased from `pool`. A 429 rests that key and retries at once on another (or
 * the same, once it has rested) without counting as an attempt: only the pool (its longest wait, or
 * no key able to come within it) or the signal can end a call that keeps meeting 429s. A
 * KeyUnusableError sets the key aside for the run and moves on at once, also not counted; once every
 * key is set aside the pool fails the call. Transient failures are retried with back-off up to
 * `maxTransientAttempts`, then fail as ModelCallError('server'). Other errors pass through unchanged.
 */
export async function callWithKey<T>(pool: KeySource, options: CallWithKeyOptions, call: (lease: KeyLease) => Promise<T>): Promise<T> {
  const { signal, clock, onEvent } = options;
  const random = options.random ?? Math.random;
  const maxAttempts = Math.max(1, Math.floor(options.maxTransientAttempts ?? 3));
  const transientBackoff = options.transientBackoff ?? DEFAULT_TRANSIENT_BACKOFF;
  const redact = options.redact ?? noRedaction;
  let failedAttempts = 0;

  for (;;) {
    const lease = await pool.acquire(signal, (info) => onEvent?.({ type: 'waiting-for-key', info }), options.demand);
    let result: T;
    try {
      result = await call(lease);
    } catch (error) {
      if (endLeaseForKeyFailure(pool.provider, lease, error, onEvent)) continue;
      lease.release(false);
      if (!(error instanceof TransientModelError)) throw error;

      failedAttempts += 1;
      const message = redact(error.message);
      if (failedAttempts >= maxAttempts) {
        throw new ModelCallError('server', `${pool.provider} failed after ${failedAttempts} attempts: ${message}`, { cause: error });
      }
      const delayMs = backoffDelay(failedAttempts, transientBackoff, random);
      onEvent?.({ type: 'transient-retry', provider: pool.provider, keyName: lease.name, attempt: failedAttempts, delayMs, message });
      await clock.sleep(delayMs, signal);
      continue;
    }
    lease.release(true);
    return result;
  }
}

/**
 * The key's share of a failure, decided once for every caller that leases keys: a 429 rests the key
 * and an unusable key is set aside (each with its event), and the lease ends; true when the call
 * should move to another key, false (lease untouched) for any other failure.
 */
export function endLeaseForKeyFailure(provider: string, lease: KeyLease, error: unknown, onEvent?: (event: KeyEvent) => void): boolean {
  if (error instanceof RateLimitedError) {
    const cooldown = lease.rateLimited(error.retryAfterMs);
    onEvent?.({
      type: 'rate-limited',
      provider,
      keyName: lease.name,
      cooldownMs: cooldown.ms,
      announced: cooldown.announced,
      ...(cooldown.capped && { askedMs: cooldown.askedMs }),
    });
    return true;
  }
  if (error instanceof KeyUnusableError) {
    if (lease.setAside(error)) onEvent?.({ type: 'key-set-aside', provider, keyName: lease.name, kind: error.kind, why: error.why });
    return true;
  }
  return false;
}
