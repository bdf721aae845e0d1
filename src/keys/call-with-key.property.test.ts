import { setMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { RateLimitedError, TransientModelError } from '../model-call/errors.js';
import { callWithKey, type KeyEvent } from './call-with-key.js';
import { KeyPool } from './key-pool.js';

/** Small seeded generator (mulberry32) so a failing seed can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const CALLS = 50;

describe.each([1, 2])('callWithKey under random 429s (per-key concurrency %i)', (perKeyConcurrency) => {
  it.each([1, 7, 42, 1234, 99_999])('seed %i: every call succeeds, no key is overloaded or used while cooling', async (seed) => {
    const random = seededRandom(seed);
    const clock = new FakeClock();
    const keys = ['sk-prop-a', 'sk-prop-b', 'sk-prop-c'];
    const pool = new KeyPool({ provider: 'anthropic', keys, perKeyConcurrency, clock, random, backoff: { baseMs: 500, maxMs: 10_000 } });
    const controller = new AbortController();
    // Fifty calls share one signal here; a run gives each item its own.
    setMaxListeners(0, controller.signal);

    // Our own record of each key, kept apart from the pool's, to check the pool against.
    const inFlight = new Map<string, number>();
    const coolingUntil = new Map<string, number>();
    let maxInFlight = 0;
    const violations: string[] = [];
    let rateLimits = 0;

    const onEvent = (event: KeyEvent): void => {
      if (event.type !== 'rate-limited') return;
      rateLimits += 1;
      const until = clock.now() + event.cooldownMs;
      coolingUntil.set(event.keyName, Math.max(coolingUntil.get(event.keyName) ?? 0, until));
    };

    const call = async (lease: { name: string; value: string | undefined }): Promise<string> => {
      const now = clock.now();
      if (now < (coolingUntil.get(lease.name) ?? 0)) violations.push(`${lease.name} leased at ${now} inside its cool-down`);
      if (lease.value === undefined || keys.indexOf(lease.value) + 1 !== Number(lease.name.split('#')[1])) {
        violations.push(`${lease.name} carries the wrong key`);
      }
      const running = (inFlight.get(lease.name) ?? 0) + 1;
      inFlight.set(lease.name, running);
      maxInFlight = Math.max(maxInFlight, running);
      try {
        await clock.sleep(100 + Math.floor(random() * 2000), controller.signal);
        const roll = random();
        if (roll < 0.3) {
          const announced = random() < 0.5 ? Math.floor(random() * 15_000) : undefined;
          throw new RateLimitedError('429 rate limited', announced);
        }
        if (roll < 0.35) throw new TransientModelError('529 overloaded', 529);
        return lease.name;
      } finally {
        inFlight.set(lease.name, (inFlight.get(lease.name) ?? 0) - 1);
      }
    };

    const outcomes = Array.from({ length: CALLS }, (): { settled: boolean; value?: string; error?: unknown } => ({ settled: false }));
    for (const outcome of outcomes) {
      callWithKey(pool, { signal: controller.signal, clock, random, onEvent, maxTransientAttempts: 10 }, call).then(
        (value) => Object.assign(outcome, { settled: true, value }),
        (error: unknown) => Object.assign(outcome, { settled: true, error }),
      );
    }

    let steps = 0;
    while (outcomes.some((outcome) => !outcome.settled)) {
      expect(await clock.advanceToNext(), 'calls stuck with nothing scheduled').toBe(true);
      expect(++steps).toBeLessThan(100_000);
    }

    expect(outcomes.map((outcome) => outcome.error)).toEqual(Array<unknown>(CALLS).fill(undefined));
    expect(outcomes.every((outcome) => outcome.value?.startsWith('anthropic#'))).toBe(true);
    expect(violations).toEqual([]);
    expect(maxInFlight).toBe(perKeyConcurrency);
    expect(rateLimits).toBeGreaterThan(5);
    expect(pool.snapshot().every((key) => key.inFlight === 0)).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
  });
});
