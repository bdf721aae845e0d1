import { abortReason } from '../core/abort.js';

/**
 * Time as a dependency: everything that waits (back-off, cool-down, time-outs, progress throttling)
 * takes a Clock so tests drive time instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds. Rejects with the signal's reason as soon as `signal` aborts
   * (also when it is already aborted).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The UTC calendar date (YYYY-MM-DD) of a clock reading, as review logs and reports show it. */
export function calendarDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
