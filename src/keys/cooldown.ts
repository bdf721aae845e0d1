import { backoffDelay, type BackoffOptions } from './backoff.js';

export interface Cooldown {
  /** How long the key rests, in milliseconds. */
  ms: number;
  /** Whether the provider's retry-after gave the length (otherwise our own back-off did). */
  announced: boolean;
  /** What the provider's retry-after asked for, when it was used; may be above `ms` when capped. */
  askedMs: number | undefined;
  /** Whether the provider asked for more than the longest rest, so the key rests that long instead. */
  capped: boolean;
}

/**
 * How long a key rests after a 429. The provider's retry-after wins up to `maxCooldownMs`: a longer
 * one (a day, a date decades ahead) is most likely a misconfigured server, and trying the key again
 * after the cap costs one request. Without a usable retry-after (none, 0 — which would send the next
 * call straight back to the key that just refused it —, a date in the past, garbage) the rest grows
 * exponentially with the key's consecutive 429s.
 */
export function cooldownAfterRateLimit(
  retryAfterMs: number | undefined,
  consecutiveRateLimits: number,
  backoff: BackoffOptions,
  random: () => number,
  maxCooldownMs: number,
): Cooldown {
  if (usesRetryAfter(retryAfterMs)) {
    const asked = Math.ceil(retryAfterMs);
    if (asked > maxCooldownMs) return { ms: maxCooldownMs, announced: true, askedMs: asked, capped: true };
    return { ms: asked, announced: true, askedMs: asked, capped: false };
  }
  const ms = Math.min(maxCooldownMs, backoffDelay(Math.max(1, consecutiveRateLimits), backoff, random));
  return { ms, announced: false, askedMs: undefined, capped: false };
}

/** Whether a provider's retry-after is used as announced (a positive, finite number of milliseconds). */
export function usesRetryAfter(retryAfterMs: number | undefined): retryAfterMs is number {
  return retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0;
}
