import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from '../clock/testing/fake-clock.js';
import { KeyPool } from './key-pool.js';
import type { KeyPoolOptions, KeyWaitInfo } from './key-lease.js';
import { track } from '../../test/support/track-promise.js';

const KEYS = ['sk-test-first-key', 'sk-test-second-key', 'sk-test-third-key'];
const never = new AbortController().signal;

function makePool(overrides: Partial<KeyPoolOptions> = {}) {
  const clock = new FakeClock();
  const pool = new KeyPool({ provider: 'openai', keys: KEYS.slice(0, 1), clock, random: () => 0.5, ...overrides });
  return { clock, pool, start: clock.now() };
}

/** Leases a key, lets its response carry `headers`, and releases it. */
async function respond(pool: KeyPool, headers: Record<string, string>): Promise<string> {
  const lease = await pool.acquire(never);
  lease.observeHeaders(headers);
  lease.release(true);
  return lease.name;
}

const NO_REQUESTS_LEFT = { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2s' };

describe('pacing from rate-limit headers', () => {
  it('does not lease a key with no requests left before its reset, and leases it then', async () => {
    const { clock, pool, start } = makePool();
    await respond(pool, NO_REQUESTS_LEFT);
    expect(pool.snapshot()[0]?.pacedUntil).toBe(start + 2000);

    const waits: KeyWaitInfo[] = [];
    const next = track(pool.acquire(never, (info) => waits.push(info)));
    expect(waits).toEqual([{ provider: 'openai', keys: 1, busy: 0, cooling: 0, paced: 1, setAside: 0, nextFreeInMs: 2000 }]);
    await clock.advance(1999);
    expect(next.settled).toBe(false);
    expect(clock.pendingSleeps).toBe(1);
    await clock.advance(1);
    expect(next.value?.name).toBe('openai#1');
    expect(clock.pendingSleeps).toBe(0);
  });

  it("keeps a budget per model: one model's exhausted limit does not hold the key back for another", async () => {
    const { clock, pool } = makePool();
    const drafterCall = await pool.acquire(never, undefined, { tokens: 0, model: 'gpt-4.1' });
    drafterCall.observeHeaders(NO_REQUESTS_LEFT);
    drafterCall.release(true);

    const reviewer = track(pool.acquire(never, undefined, { tokens: 0, model: 'o3' }));
    await flushPromises();
    expect(reviewer.value?.name).toBe('openai#1');
    reviewer.value?.release(true);

    const drafter = track(pool.acquire(never, undefined, { tokens: 0, model: 'gpt-4.1' }));
    await clock.advance(1999);
    expect(drafter.settled).toBe(false);
    await clock.advance(1);
    expect(drafter.value?.name).toBe('openai#1');
  });

  it('with a known limit leases again as soon as the refill gives back one request', async () => {
    const { clock, pool, start } = makePool();
    // 0 of 3 left, full in 3 s: one request a second.
    await respond(pool, { 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '3s' });
    const next = track(pool.acquire(never));
    await clock.advance(999);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.value?.name).toBe('openai#1');
    expect(clock.now()).toBe(start + 1000);
  });

  it('holds a token demand back until the bucket has refilled enough for it', async () => {
    const { clock, pool, start } = makePool();
    // 1000 of 10000 tokens left, full in 9 s: 1000 tokens a second.
    await respond(pool, {
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '1000',
      'x-ratelimit-reset-tokens': '9s',
    });
    const small = await pool.acquire(never, undefined, { tokens: 500 });
    small.release(true);
    // 500 left: 3000 more tokens come 2.5 s later.
    const large = track(pool.acquire(never, undefined, { tokens: 3000 }));
    await clock.advance(2499);
    expect(large.settled).toBe(false);
    await clock.advance(1);
    expect(large.value?.name).toBe('openai#1');
    expect(clock.now()).toBe(start + 2500);
  });

  it('serves a demand larger than the whole limit once the key is full', async () => {
    const { clock, pool } = makePool();
    await respond(pool, { 'x-ratelimit-limit-tokens': '4000', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '4s' });
    const huge = track(pool.acquire(never, undefined, { tokens: 50_000 }));
    await clock.advance(3999);
    expect(huge.settled).toBe(false);
    await clock.advance(1);
    expect(huge.settled).toBe(true);
  });

  it('prefers a key with budget over the least recently used one without', async () => {
    const { pool } = makePool({ keys: KEYS.slice(0, 2) });
    expect(await respond(pool, NO_REQUESTS_LEFT)).toBe('openai#1');
    expect(await respond(pool, { 'x-ratelimit-remaining-requests': '10', 'x-ratelimit-reset-requests': '2s' })).toBe('openai#2');
    expect((await pool.acquire(never)).name).toBe('openai#2');
  });

  it('lets a newer response lift a hold at once', async () => {
    const { pool } = makePool({ perKeyConcurrency: 2 });
    const running = await pool.acquire(never);
    await respond(pool, { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '60s' });
    const next = track(pool.acquire(never));
    await flushPromises();
    expect(next.settled).toBe(false);
    running.observeHeaders({ 'x-ratelimit-remaining-requests': '5', 'x-ratelimit-reset-requests': '60s' });
    await flushPromises();
    expect(next.value?.name).toBe('openai#1');
  });

  it("reads Anthropic's reset dates against wall time and waits them out on the pool's clock", async () => {
    const wall = Date.UTC(2030, 5, 1, 8, 0, 0);
    const { clock, pool, start } = makePool({ provider: 'anthropic', wallNow: () => wall });
    await respond(pool, {
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': new Date(wall + 3000).toISOString(),
    });
    // Anthropic refills continuously too: 50 requests over 3 s, so the first is back in 60 ms.
    const next = track(pool.acquire(never));
    await clock.advance(59);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.value?.name).toBe('anthropic#1');
    expect(clock.now()).toBe(start + 60);
  });

  it('counts paced keys in the waiting line beside busy and cooling ones', async () => {
    const { pool } = makePool({ keys: KEYS });
    await respond(pool, NO_REQUESTS_LEFT);
    const busy = await pool.acquire(never);
    (await pool.acquire(never)).rateLimited(5000);
    const waits: KeyWaitInfo[] = [];
    const next = track(pool.acquire(never, (info) => waits.push(info)));
    expect(waits).toEqual([{ provider: 'openai', keys: 3, busy: 1, cooling: 1, paced: 1, setAside: 0, nextFreeInMs: 2000 }]);
    expect(busy.name).toBe('openai#2');
    busy.release(true);
    await flushPromises();
    expect(next.value?.name).toBe('openai#2');
  });

  it('fails at once when every key is held back by its limits beyond the longest wait', async () => {
    const { pool } = makePool();
    await respond(pool, { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1h30m' });
    await expect(pool.acquire(never)).rejects.toMatchObject({
      reason: 'rate-limited',
      message:
        'every openai key is rate limited: the earliest is free in 1.5 h (by its rate-limit headers), beyond the longest wait for a key (10 min)',
    });
  });

  it('with pacing off ignores the headers and leases as before', async () => {
    const { pool } = makePool({ pacing: false });
    await respond(pool, NO_REQUESTS_LEFT);
    await respond(pool, { 'x-ratelimit-limit-tokens': '10', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '1h' });
    expect(pool.snapshot()[0]?.pacedUntil).toBeUndefined();
    expect((await pool.acquire(never, undefined, { tokens: 1000 })).name).toBe('openai#1');
  });

  it('ignores malformed headers', async () => {
    const { pool } = makePool();
    await respond(pool, { 'x-ratelimit-remaining-requests': 'none', 'x-ratelimit-reset-requests': '2s' });
    await respond(pool, { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': 'later' });
    expect((await pool.acquire(never)).name).toBe('openai#1');
  });
});
