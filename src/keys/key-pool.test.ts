import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from '../clock/testing/fake-clock.js';
import { KeyPool } from './key-pool.js';
import { KeyPoolExhaustedError } from './key-pool-exhausted-error.js';
import { type KeyLease, type KeyPoolOptions, type KeyWaitInfo } from './key-lease.js';
import { parseRetryAfter } from './retry-after.js';
import { track } from '../../test/support/track-promise.js';

const KEYS = ['sk-test-first-key', 'sk-test-second-key', 'sk-test-third-key'];

function makePool(overrides: Partial<KeyPoolOptions> & { clock: FakeClock }): KeyPool {
  return new KeyPool({ provider: 'openai', keys: KEYS, random: () => 0.5, ...overrides });
}

const never = new AbortController().signal;

describe('KeyPool', () => {
  it('names keys by position and never exposes values in snapshots', () => {
    const pool = makePool({ clock: new FakeClock() });
    expect(pool.provider).toBe('openai');
    expect(pool.size).toBe(3);
    const snapshot = pool.snapshot();
    expect(snapshot.map((key) => key.name)).toEqual(['openai#1', 'openai#2', 'openai#3']);
    expect(JSON.stringify(snapshot)).not.toContain('sk-test');
  });

  it('de-duplicates keys and drops empty ones', () => {
    const pool = new KeyPool({ provider: 'google', keys: ['g1', '', 'g2', 'g1'], clock: new FakeClock() });
    expect(pool.size).toBe(2);
  });

  it('rejects a per-key concurrency that is not an integer ≥ 1', () => {
    for (const perKeyConcurrency of [0, -1, 1.5, Number.NaN]) {
      expect(() => makePool({ clock: new FakeClock(), perKeyConcurrency })).toThrow(/perKeyConcurrency/);
    }
  });

  it('leases the least recently used free key', async () => {
    const clock = new FakeClock();
    const pool = makePool({ clock });
    const names: string[] = [];
    for (let round = 0; round < 4; round++) {
      const lease = await pool.acquire(never);
      names.push(lease.name);
      expect(lease.value).toBe(KEYS[Number(lease.name.slice('openai#'.length)) - 1]);
      lease.release(true);
      await clock.advance(1000);
    }
    expect(names).toEqual(['openai#1', 'openai#2', 'openai#3', 'openai#1']);
    const start = new FakeClock().now();
    expect(pool.snapshot().map((key) => key.lastUsedAt)).toEqual([start + 3000, start + 1000, start + 2000]);
  });

  it('among free keys picks the one leased longest ago, even within one millisecond', async () => {
    const pool = makePool({ clock: new FakeClock() });
    const first = await pool.acquire(never);
    const second = await pool.acquire(never);
    const third = await pool.acquire(never);
    second.release();
    first.release();
    third.release();
    expect((await pool.acquire(never)).name).toBe('openai#1');
    expect((await pool.acquire(never)).name).toBe('openai#2');
    expect((await pool.acquire(never)).name).toBe('openai#3');
  });

  it('with per-key concurrency 1 hands each key to one call and makes the next wait', async () => {
    const clock = new FakeClock();
    const pool = makePool({ clock, keys: KEYS.slice(0, 2) });
    const first = await pool.acquire(never);
    const second = await pool.acquire(never);
    const third = track(pool.acquire(never));
    await flushPromises();
    expect(third.settled).toBe(false);
    expect(pool.snapshot().map((key) => key.inFlight)).toEqual([1, 1]);

    second.release();
    await flushPromises();
    expect(third.value?.name).toBe(second.name);
    first.release();
    third.value?.release();
    expect(pool.snapshot().map((key) => key.inFlight)).toEqual([0, 0]);
  });

  it('with per-key concurrency 2 hands each key to two calls at most', async () => {
    const clock = new FakeClock();
    const pool = makePool({ clock, keys: KEYS.slice(0, 2), perKeyConcurrency: 2 });
    const leases = await Promise.all([1, 2, 3, 4].map(() => pool.acquire(never)));
    expect(leases.map((lease) => lease.name).sort()).toEqual(['openai#1', 'openai#1', 'openai#2', 'openai#2']);
    expect(pool.snapshot().map((key) => key.inFlight)).toEqual([2, 2]);

    const fifth = track(pool.acquire(never));
    await flushPromises();
    expect(fifth.settled).toBe(false);
    leases[3]?.release();
    await flushPromises();
    expect(fifth.value?.name).toBe(leases[3]?.name);
  });

  it('serves waiters first come, first served, and calls onWait once per waiting acquire', async () => {
    const clock = new FakeClock();
    const pool = makePool({ clock, keys: KEYS.slice(0, 1) });
    const held = await pool.acquire(never);
    const waits: KeyWaitInfo[][] = [[], []];
    const order: string[] = [];
    const first = pool
      .acquire(never, (info) => waits[0]?.push(info))
      .then((lease) => {
        order.push('first');
        return lease;
      });
    const second = pool
      .acquire(never, (info) => waits[1]?.push(info))
      .then((lease) => {
        order.push('second');
        return lease;
      });
    expect(waits[0]).toEqual([{ provider: 'openai', keys: 1, busy: 1, cooling: 0, paced: 0, setAside: 0, nextFreeInMs: undefined }]);

    // Several wake-ups (a 429 and its cool-down ending) must not announce the wait again.
    expect(held.rateLimited(5000).ms).toBe(5000);
    await clock.advance(2000);
    await clock.advance(3000);
    const firstLease = await first;
    expect(order).toEqual(['first']);
    firstLease.release(true);
    (await second).release(true);
    expect(order).toEqual(['first', 'second']);
    expect(waits.map((calls) => calls.length)).toEqual([1, 1]);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('does not call onWait when a key is free', async () => {
    const pool = makePool({ clock: new FakeClock() });
    let calls = 0;
    await pool.acquire(never, () => calls++);
    expect(calls).toBe(0);
  });

  it('keeps a key out of use until its retry-after has passed', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const pool = makePool({ clock, keys: KEYS.slice(0, 1) });
    const lease = await pool.acquire(never);
    expect(lease.rateLimited(parseRetryAfter({ 'retry-after': '20' }, clock.now())).ms).toBe(20_000);
    expect(pool.snapshot()[0]).toMatchObject({ inFlight: 0, coolingUntil: start + 20_000 });

    const next = track(pool.acquire(never));
    await clock.advance(19_999);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.value?.name).toBe('openai#1');
    expect(clock.now()).toBe(start + 20_000);
    expect(pool.snapshot()[0]?.coolingUntil).toBeUndefined();
  });

  it('cools a key for a retry-after given as an HTTP date or in milliseconds', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const pool = makePool({ clock, keys: KEYS.slice(0, 2) });
    const first = await pool.acquire(never);
    const second = await pool.acquire(never);
    const date = new Date(start + 30_000).toUTCString();
    expect(first.rateLimited(parseRetryAfter({ 'Retry-After': date }, clock.now())).ms).toBe(30_000);
    expect(second.rateLimited(parseRetryAfter({ 'retry-after-ms': '1500', 'retry-after': '99' }, clock.now())).ms).toBe(1500);
    expect(pool.snapshot().map((key) => key.coolingUntil)).toEqual([start + 30_000, start + 1500]);
  });

  it('without retry-after backs off exponentially per key, capped, and resets after a success', async () => {
    const clock = new FakeClock();
    const pool = makePool({ clock, keys: KEYS.slice(0, 1), backoff: { baseMs: 1000, maxMs: 8000 }, random: () => 0.5 });
    const cooldowns: number[] = [];
    for (let round = 0; round < 6; round++) {
      const lease = await pool.acquire(never);
      cooldowns.push(lease.rateLimited(undefined).ms);
      await clock.advance(cooldowns.at(-1) ?? 0);
    }
    expect(cooldowns).toEqual([750, 1500, 3000, 6000, 6000, 6000]);

    (await pool.acquire(never)).release(true);
    expect((await pool.acquire(never)).rateLimited(undefined).ms).toBe(750);
  });

  it('treats a retry-after of 0 as no announcement, so the key still rests', async () => {
    const clock = new FakeClock();
    const pool = makePool({ clock, keys: KEYS.slice(0, 1), backoff: { baseMs: 1000, maxMs: 8000 }, random: () => 0 });
    expect((await pool.acquire(never)).rateLimited(0).ms).toBe(500);
  });

  it('when every key cools down, waits for the earliest cool-down end', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const pool = makePool({ clock, keys: KEYS.slice(0, 2) });
    (await pool.acquire(never)).rateLimited(10_000);
    (await pool.acquire(never)).rateLimited(4000);

    const waits: KeyWaitInfo[] = [];
    const next = track(pool.acquire(never, (info) => waits.push(info)));
    expect(waits).toEqual([{ provider: 'openai', keys: 2, busy: 0, cooling: 2, paced: 0, setAside: 0, nextFreeInMs: 4000 }]);
    await clock.advance(3999);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.value?.name).toBe('openai#2');
    expect(clock.now()).toBe(start + 4000);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('keeps a key cooling while its other lease is still running', async () => {
    const clock = new FakeClock();
    const pool = makePool({ clock, keys: KEYS.slice(0, 1), perKeyConcurrency: 2 });
    const one = await pool.acquire(never);
    const two = await pool.acquire(never);
    one.rateLimited(10_000);
    await clock.advance(1000);
    two.release(true);
    const next = track(pool.acquire(never));
    await clock.advance(8999);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.settled).toBe(true);
  });

  it('a second 429 on a cooling key never shortens its cool-down', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const pool = makePool({ clock, keys: KEYS.slice(0, 1), perKeyConcurrency: 2 });
    const one = await pool.acquire(never);
    const two = await pool.acquire(never);
    one.rateLimited(20_000);
    two.rateLimited(1000);
    expect(pool.snapshot()[0]?.coolingUntil).toBe(start + 20_000);
  });

  it('fails a wait longer than maxWaitMs with a named reason and no key values', async () => {
    const clock = new FakeClock();
    const pool = makePool({ clock, keys: KEYS.slice(0, 2), maxWaitMs: 5000 });
    await pool.acquire(never);
    (await pool.acquire(never)).rateLimited(60_000);
    const next = track(pool.acquire(never));
    await clock.advance(4999);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.error).toBeInstanceOf(KeyPoolExhaustedError);
    const error = next.error as KeyPoolExhaustedError;
    expect(error.message).toContain('openai');
    expect(error.message).toContain('2 keys');
    expect(error.message).toContain('1 busy');
    expect(error.message).toContain('1 cooling');
    expect(error.message).toContain('5000 ms');
    expect(error.message).not.toMatch(/sk-test/);
    expect(error).toMatchObject({ provider: 'openai', keys: 2, busy: 1, cooling: 1, waitedMs: 5000 });
    // The cool-down alone must not keep a timer once nobody waits.
    expect(clock.pendingSleeps).toBe(0);
  });

  it('rejects with the signal reason when aborted while waiting, and forgets the waiter', async () => {
    const clock = new FakeClock();
    const pool = makePool({ clock, keys: KEYS.slice(0, 1) });
    const held = await pool.acquire(never);
    const controller = new AbortController();
    const waiting = track(pool.acquire(controller.signal));
    await flushPromises();
    expect(clock.pendingSleeps).toBe(1);

    const reason = new Error('item timed out');
    controller.abort(reason);
    await flushPromises();
    expect(waiting.error).toBe(reason);
    expect(clock.pendingSleeps).toBe(0);

    held.release(true);
    expect(pool.snapshot()[0]?.inFlight).toBe(0);
    const next = await pool.acquire(never);
    expect(next.name).toBe('openai#1');
  });

  it('rejects at once when the signal is already aborted', async () => {
    const pool = makePool({ clock: new FakeClock() });
    const reason = new Error('interrupted');
    await expect(pool.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(pool.snapshot().every((key) => key.inFlight === 0)).toBe(true);
  });

  it('ignores a second release of the same lease', async () => {
    const pool = makePool({ clock: new FakeClock(), keys: KEYS.slice(0, 1), perKeyConcurrency: 2 });
    const one = await pool.acquire(never);
    await pool.acquire(never);
    one.release();
    one.release();
    expect(pool.snapshot()[0]?.inFlight).toBe(1);
  });

  it('a keyless pool has one unnamed slot without a concurrency cap that still cools down', async () => {
    const clock = new FakeClock();
    const pool = new KeyPool({ provider: 'openai', keys: [], clock, perKeyConcurrency: 1 });
    expect(pool.size).toBe(1);
    const leases: KeyLease[] = await Promise.all(Array.from({ length: 25 }, () => pool.acquire(never)));
    expect(new Set(leases.map((lease) => lease.name))).toEqual(new Set(['openai']));
    expect(leases.every((lease) => lease.value === undefined)).toBe(true);
    expect(pool.snapshot()).toEqual([
      { name: 'openai', inFlight: 25, coolingUntil: undefined, lastUsedAt: clock.now(), setAside: undefined, pacedUntil: undefined },
    ]);

    leases[0]?.rateLimited(3000);
    const next = track(pool.acquire(never));
    await clock.advance(2999);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.value?.name).toBe('openai');
  });
});
