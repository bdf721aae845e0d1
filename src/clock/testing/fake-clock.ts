import { abortReason } from '../../core/abort.js';
import { type Clock } from '../clock.js';

interface PendingSleep {
  wakeAt: number;
  order: number;
  resolve: () => void;
}

/**
 * A clock that only moves when told to. `advance` wakes sleepers in wake-time order and lets the
 * promise jobs they schedule run before moving on, so code under test behaves as it would in real time.
 */
export class FakeClock implements Clock {
  private current: number;
  private pending: PendingSleep[] = [];
  private sequence = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** How many sleeps are waiting; lets tests wait until code under test has gone to sleep. */
  get pendingSleeps(): number {
    return this.pending.length;
  }

  /** The earliest wake-up time, if anything sleeps. */
  nextWakeAt(): number | undefined {
    return this.pending.reduce<number | undefined>(
      (min, entry) => (min === undefined || entry.wakeAt < min ? entry.wakeAt : min),
      undefined,
    );
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const entry: PendingSleep = { wakeAt: this.current + Math.max(0, ms), order: this.sequence++, resolve: () => undefined };
      const onAbort = (): void => {
        this.pending = this.pending.filter((candidate) => candidate !== entry);
        reject(abortReason(signal!));
      };
      entry.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.pending.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves time forward by `ms`, waking every sleeper due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushPromises();
      const due = this.pending.filter((entry) => entry.wakeAt <= target).sort((a, b) => a.wakeAt - b.wakeAt || a.order - b.order)[0];
      if (!due) break;
      this.pending = this.pending.filter((entry) => entry !== due);
      this.current = Math.max(this.current, due.wakeAt);
      due.resolve();
    }
    this.current = target;
    await flushPromises();
  }

  /** Advances to the next wake-up, if any; returns false when nothing sleeps. */
  async advanceToNext(): Promise<boolean> {
    await flushPromises();
    const next = this.nextWakeAt();
    if (next === undefined) return false;
    await this.advance(next - this.current);
    return true;
  }
}

/** Lets already-scheduled promise jobs and immediate callbacks run. */
export async function flushPromises(rounds = 5): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
