import type { BackoffOptions } from './backoff.js';
import type { KeyPoolOptions } from './key-lease.js';

/** KeyPoolOptions with every default filled in and every value checked. */
export interface KeyPoolSettings {
  perKeyConcurrency: number;
  maxWaitMs: number;
  maxCooldownMs: number;
  backoff: BackoffOptions;
  pacing: boolean;
  random: () => number;
  wallNow: () => number;
}

const DEFAULT_MAX_WAIT_MS = 10 * 60_000;
const DEFAULT_MAX_COOLDOWN_MS = 10 * 60_000;
const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 60_000 };

/** Throws RangeError naming the option and the value received. */
export function keyPoolSettings(options: KeyPoolOptions): KeyPoolSettings {
  const perKeyConcurrency = options.perKeyConcurrency ?? 1;
  if (!Number.isInteger(perKeyConcurrency) || perKeyConcurrency < 1) {
    throw new RangeError(`perKeyConcurrency must be an integer ≥ 1, received ${String(perKeyConcurrency)}`);
  }
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  if (Number.isNaN(maxWaitMs) || maxWaitMs < 0) {
    throw new RangeError(`maxWaitMs must be ≥ 0, received ${String(maxWaitMs)}`);
  }
  const maxCooldownMs = options.maxCooldownMs ?? DEFAULT_MAX_COOLDOWN_MS;
  if (!(Number.isFinite(maxCooldownMs) && maxCooldownMs > 0)) {
    throw new RangeError(`maxCooldownMs must be a finite number > 0, received ${String(maxCooldownMs)}`);
  }
  return {
    perKeyConcurrency,
    maxWaitMs,
    maxCooldownMs,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    pacing: options.pacing ?? true,
    random: options.random ?? Math.random,
    wallNow: options.wallNow ?? Date.now,
  };
}
