import type { Clock } from '../clock/clock.js';

/**
 * Calls `onStall` once nothing has happened for `stallMs` on the clock since the watchdog started or
 * `activity()` was last called, unless `signal` aborts first (the attempt ended).
 *
 * One sleep at a time, whatever the number of chunks: `activity()` only notes the time, and a sleep
 * that wakes to find recent activity sleeps again for what is left of the window. A stream of a
 * thousand chunks costs a thousand clock readings, not a thousand timers.
 */
export class StallWatchdog {
  private lastActivityAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly stallMs: number,
    signal: AbortSignal,
    onStall: (idleMs: number) => void,
  ) {
    this.lastActivityAt = clock.now();
    void this.watch(signal, onStall);
  }

  /** Something arrived (headers, a chunk of the body). */
  activity(): void {
    this.lastActivityAt = this.clock.now();
  }

  private async watch(signal: AbortSignal, onStall: (idleMs: number) => void): Promise<void> {
    let wait = this.stallMs;
    for (;;) {
      try {
        await this.clock.sleep(wait, signal);
      } catch {
        return;
      }
      const idle = this.clock.now() - this.lastActivityAt;
      if (idle >= this.stallMs) {
        onStall(idle);
        return;
      }
      wait = this.stallMs - idle;
    }
  }
}
