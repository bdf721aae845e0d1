import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { StallWatchdog } from './stall-watchdog.js';

function watch(clock: FakeClock, stallMs: number, signal = new AbortController().signal) {
  const stalls: Array<{ at: number; idleMs: number }> = [];
  const started = clock.now();
  const watchdog = new StallWatchdog(clock, stallMs, signal, (idleMs) => stalls.push({ at: clock.now() - started, idleMs }));
  return { watchdog, stalls };
}

describe('StallWatchdog', () => {
  it('reports a stall once nothing happened for the whole window', async () => {
    const clock = new FakeClock();
    const { stalls } = watch(clock, 1000);

    await clock.advance(999);
    expect(stalls).toEqual([]);
    await clock.advance(1);
    expect(stalls).toEqual([{ at: 1000, idleMs: 1000 }]);
    await clock.advance(10_000);
    expect(stalls).toHaveLength(1);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('restarts the window from the last activity, with one sleep at a time however many chunks arrive', async () => {
    const clock = new FakeClock();
    const { watchdog, stalls } = watch(clock, 1000);

    for (let step = 0; step < 50; step++) {
      await clock.advance(100);
      for (let chunk = 0; chunk < 20; chunk++) watchdog.activity();
      expect(clock.pendingSleeps).toBe(1);
    }
    expect(stalls).toEqual([]);

    await clock.advance(999);
    expect(stalls).toEqual([]);
    await clock.advance(1);
    expect(stalls).toEqual([{ at: 6000, idleMs: 1000 }]);
  });

  it('stops watching when its signal aborts', async () => {
    const clock = new FakeClock();
    const finished = new AbortController();
    const { stalls } = watch(clock, 1000, finished.signal);

    await clock.advance(500);
    finished.abort();
    await clock.advance(5000);

    expect(stalls).toEqual([]);
    expect(clock.pendingSleeps).toBe(0);
  });
});
