export interface BackoffOptions {
  /** Delay ceiling of the first attempt, in milliseconds. */
  baseMs: number;
  /** No delay exceeds this, in milliseconds. */
  maxMs: number;
}

/**
 * Exponential back-off with equal jitter: the ceiling doubles per attempt (capped at `maxMs`); half of
 * it is fixed so the delay always grows, half is random so callers that failed together spread out.
 * `attempt` is 1-based: the first retry waits between baseMs/2 and baseMs.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const ceiling = Math.max(0, Math.min(options.maxMs, options.baseMs * 2 ** exponent));
  const half = ceiling / 2;
  const fraction = Math.min(1, Math.max(0, random()));
  return Math.min(ceiling, Math.round(half + fraction * half));
}
