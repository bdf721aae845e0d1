import { abortReason } from '../../core/abort.js';
import { type Clock } from '../../clock/clock.js';

/**
 * A clock for tests where back-off and cool-down waits should pass at once: a sleep up to
 * `instantUpToMs` moves time forward by its length and resolves on the next tick. Longer sleeps (call
 * and stall time-outs) never end by themselves, only by their signal, so a slow real server cannot
 * trip them. The default (2 min) stays below the default stall time-out (3 min) for that reason.
 * Every requested sleep is recorded.
 */
export class InstantClock implements Clock {
  readonly sleeps: number[] = [];
  private current: number;

  constructor(
    private readonly instantUpToMs = 2 * 60_000,
    start = Date.UTC(2026, 0, 1),
  ) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      if (ms <= this.instantUpToMs) {
        this.current += Math.max(0, ms);
        setImmediate(resolve);
        return;
      }
      signal?.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
    });
  }
}
