import { backoffDelay, type BackoffOptions } from './backoff.js';

export interface Cooldown {
  /** How long the key rests, in milliseconds. */
  ms: number;
  /** Whether the provider's retry-after gave the length (otherwise our own back-off did). */
  announced: boolean;
}

/**
 * How long a key rests after a 429. The provider's retry-after wins; without one (or with 0, which
 * would send the next call straight back to the key that just refused it) the rest grows
 * exponentially with the key's consecutive 429s.
 */
export function cooldownAfterRateLimit(
  retryAfterMs: number | undefined,
  consecutiveRateLimits: number,
  backoff: BackoffOptions,
  random: () => number,
): Cooldown {
  if (usesRetryAfter(retryAfterMs)) return { ms: Math.ceil(retryAfterMs), announced: true };
  return { ms: backoffDelay(Math.max(1, consecutiveRateLimits), backoff, random), announced: false };
}

/** Whether a provider's retry-after is used as announced (a positive, finite number of milliseconds). */
export function usesRetryAfter(retryAfterMs: number | undefined): retryAfterMs is number {
  return retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0;
}
