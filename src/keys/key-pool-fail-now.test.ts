import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from '../clock/testing/fake-clock.js';
import { ModelCallError, RateLimitedError } from '../model-call/errors.js';
import { callWithKey, type KeyEvent } from './call-with-key.js';
import { KeyPool } from './key-pool.js';
import { KeyPoolExhaustedError } from './key-pool-exhausted-error.js';
import { parseRetryAfter } from './retry-after.js';
import { track } from '../../test/support/track-promise.js';

const KEYS = ['sk-test-first-key', 'sk-test-second-key'];
const never = new AbortController().signal;
const TEN_MINUTES = 10 * 60_000;
const DAY = 86_400_000;

function setup(keys: readonly string[] = KEYS) {
  const clock = new FakeClock();
  const pool = new KeyPool({ provider: 'openai', keys, clock, random: () => 0.5, backoff: { baseMs: 1000, maxMs: 60_000 } });
  const events: KeyEvent[] = [];
  const options = { signal: never, clock, random: () => 0.5, onEvent: (event: KeyEvent) => events.push(event) };
  /** A call that answers 429 with `headers` on every key until `served` is set. */
  const rateLimitedCall = (headers: Record<string, string>, served: { value: boolean } = { value: false }) =>
    callWithKey(pool, options, async (lease) => {
      await clock.sleep(100);
      if (served.value) return lease.name;
      throw new RateLimitedError('429 Too Many Requests', parseRetryAfter(headers, clock.now()));
    });
  return { clock, pool, events, rateLimitedCall };
}

const rateLimitEvents = (events: KeyEvent[]) => events.filter((event) => event.type === 'rate-limited');

describe('absurd retry-after values', () => {
  it('retry-after 86400 on every key: rests the cap and fails every call within the tick of the last 429', async () => {
    const { clock, events, rateLimitedCall } = setup();
    const start = clock.now();
    const calls = [track(rateLimitedCall({ 'retry-after': '86400' })), track(rateLimitedCall({ 'retry-after': '86400' }))];
    await clock.advance(100);
    await flushPromises(1);
    expect(clock.now()).toBe(start + 100);
    const message =
      'every openai key is rate limited: the earliest is free in 1 day (the provider asked for 1 day), beyond the longest wait for a key (10 min)';
    for (const call of calls) {
      expect(call.error).toBeInstanceOf(ModelCallError);
      expect(call.error).toMatchObject({ reason: 'rate-limited', message, stopsRun: false });
    }
    expect(rateLimitEvents(events)).toEqual([
      { type: 'rate-limited', provider: 'openai', keyName: 'openai#1', cooldownMs: TEN_MINUTES, announced: true, askedMs: DAY },
      { type: 'rate-limited', provider: 'openai', keyName: 'openai#2', cooldownMs: TEN_MINUTES, announced: true, askedMs: DAY },
    ]);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('a date in 2099 and a retry-after-ms of 10^20 written out rest the cap and fail now', async () => {
    const absurd: Array<Record<string, string>> = [
      { 'retry-after': 'Thu, 01 Jan 2099 00:00:00 GMT' },
      { 'retry-after-ms': '100000000000000000000' },
    ];
    for (const headers of absurd) {
      const { clock, pool, rateLimitedCall } = setup(KEYS.slice(0, 1));
      const call = track(rateLimitedCall(headers));
      await clock.advance(100);
      expect(call.error, JSON.stringify(headers)).toMatchObject({ reason: 'rate-limited' });
      expect((call.error as Error).message).toMatch(
        /^every openai key is rate limited: the earliest is free in \d+(\.\d)? (days|years) \(the provider asked for /,
      );
      expect(pool.snapshot()[0]?.coolingUntil).toBe(clock.now() + TEN_MINUTES);
    }
  });

  it('retry-after-ms 1e20, a date in the past, -5 and garbage rest the exponential back-off and are retried', async () => {
    const past = new Date(Date.UTC(2025, 0, 1)).toUTCString();
    const unusable: Array<Record<string, string>> = [
      { 'retry-after-ms': '1e20' },
      { 'retry-after': past },
      { 'retry-after': '-5' },
      { 'retry-after': 'soon' },
    ];
    for (const headers of unusable) {
      const { clock, events, rateLimitedCall } = setup(KEYS.slice(0, 1));
      const served = { value: false };
      const call = track(rateLimitedCall(headers, served));
      await clock.advance(100);
      expect(rateLimitEvents(events), JSON.stringify(headers)).toEqual([
        { type: 'rate-limited', provider: 'openai', keyName: 'openai#1', cooldownMs: 750, announced: false },
      ]);
      served.value = true;
      await clock.advance(749);
      expect(call.settled).toBe(false);
      await clock.advance(1 + 100);
      expect(call.value).toBe('openai#1');
    }
  });

  it('waits for a key free exactly at the deadline: the rule is "beyond"', async () => {
    const { clock, rateLimitedCall } = setup(KEYS.slice(0, 1));
    const served = { value: false };
    const call = track(rateLimitedCall({ 'retry-after': '600' }, served));
    await clock.advance(100);
    served.value = true;
    await clock.advance(TEN_MINUTES - 1);
    expect(call.settled).toBe(false);
    await clock.advance(1 + 100);
    expect(call.value).toBe('openai#1');
  });
});

describe('failing now instead of waiting out the limit', () => {
  it('waits while another key is merely busy, and fails the waiter as soon as that key is rate limited too', async () => {
    const { clock, pool } = setup();
    const first = await pool.acquire(never);
    const second = await pool.acquire(never);
    first.rateLimited(DAY);
    const waiter = track(pool.acquire(never));
    await flushPromises();
    expect(waiter.settled).toBe(false);

    await clock.advance(60_000);
    second.rateLimited(2 * DAY);
    await flushPromises(1);
    expect(waiter.error).toMatchObject({
      reason: 'rate-limited',
      message:
        'every openai key is rate limited: the earliest is free in 1 day (the provider asked for 1 day), beyond the longest wait for a key (10 min)',
    });
  });

  it('serves the waiter when the busy key is released instead', async () => {
    const { pool } = setup();
    const first = await pool.acquire(never);
    const second = await pool.acquire(never);
    first.rateLimited(DAY);
    const waiter = track(pool.acquire(never));
    second.release(true);
    await flushPromises();
    expect(waiter.value?.name).toBe('openai#2');
  });

  it('names our own back-off when it, not the provider, set the rest', async () => {
    const clock = new FakeClock();
    const pool = new KeyPool({ provider: 'openai', keys: KEYS.slice(0, 1), clock, random: () => 1, maxWaitMs: 1000 });
    expect((await pool.acquire(never)).rateLimited(undefined).ms).toBe(1000);
    // Free exactly at the deadline: waited for.
    const next = track(pool.acquire(never));
    await clock.advance(1000);
    expect(next.value?.rateLimited(undefined).ms).toBe(2000);
    await expect(pool.acquire(never)).rejects.toMatchObject({
      reason: 'rate-limited',
      message:
        'every openai key is rate limited: the earliest is free in 2 s (our back-off after repeated 429s), beyond the longest wait for a key (1 s)',
    });
  });

  it('still fails a waiter with KeyPoolExhaustedError when a busy key never comes back', async () => {
    const clock = new FakeClock();
    const pool = new KeyPool({ provider: 'openai', keys: KEYS.slice(0, 1), clock, maxWaitMs: 5000 });
    await pool.acquire(never);
    const waiter = track(pool.acquire(never));
    await clock.advance(5000);
    expect(waiter.error).toBeInstanceOf(KeyPoolExhaustedError);
  });

  it("words a keyless pool's failure for its server", async () => {
    const { pool } = setup([]);
    (await pool.acquire(never)).rateLimited(DAY);
    await expect(pool.acquire(never)).rejects.toMatchObject({
      reason: 'rate-limited',
      message:
        'the openai server is rate limited: it is free in 1 day (the provider asked for 1 day), beyond the longest wait for a key (10 min)',
    });
  });
});
