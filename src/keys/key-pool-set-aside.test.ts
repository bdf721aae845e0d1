import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from '../clock/testing/fake-clock.js';
import { KeyUnusableError, ModelCallError, TransientModelError } from '../model-call/errors.js';
import { callWithKey, type KeyEvent } from './call-with-key.js';
import { KeyPool } from './key-pool.js';
import { track } from '../../test/support/track-promise.js';

const KEYS = ['sk-test-first-key', 'sk-test-second-key'];
const never = new AbortController().signal;

const revoked = () => new KeyUnusableError('401 Incorrect API key provided', 'rejected', '401 invalid_api_key');
const noQuota = () => new KeyUnusableError('429 You exceeded your current quota', 'quota-exhausted', '429 insufficient_quota');

function setup(keys: readonly string[] = KEYS, perKeyConcurrency = 1) {
  const clock = new FakeClock();
  const pool = new KeyPool({ provider: 'openai', keys, clock, random: () => 0.5, perKeyConcurrency });
  const events: KeyEvent[] = [];
  const options = { signal: never, clock, random: () => 0.5, onEvent: (event: KeyEvent) => events.push(event) };
  return { clock, pool, events, options };
}

describe('setting keys aside', () => {
  it('moves the call from a revoked key to the other at once, and names the key once', async () => {
    const { pool, events, options } = setup();
    const used: string[] = [];
    const call = () =>
      callWithKey(pool, { ...options, maxTransientAttempts: 1 }, (lease) => {
        used.push(lease.name);
        return lease.name === 'openai#1' ? Promise.reject(revoked()) : Promise.resolve(lease.name);
      });
    await expect(call()).resolves.toBe('openai#2');
    await expect(call()).resolves.toBe('openai#2');
    expect(used).toEqual(['openai#1', 'openai#2', 'openai#2']);
    expect(events).toEqual([
      { type: 'key-set-aside', provider: 'openai', keyName: 'openai#1', kind: 'rejected', why: '401 invalid_api_key' },
    ]);
    expect(pool.snapshot().map((key) => key.setAside)).toEqual([{ kind: 'rejected', why: '401 invalid_api_key' }, undefined]);
    expect(pool.snapshot().every((key) => key.inFlight === 0)).toBe(true);
  });

  it('tells the second lease on a key already set aside that it was', async () => {
    const { pool } = setup(KEYS.slice(0, 1), 2);
    const first = await pool.acquire(never);
    const second = await pool.acquire(never);
    expect(first.setAside(noQuota())).toBe(true);
    expect(second.setAside(noQuota())).toBe(false);
    expect(pool.snapshot()[0]).toMatchObject({ inFlight: 0, setAside: { kind: 'quota-exhausted', why: '429 insufficient_quota' } });
  });

  it('announces a key once even when two calls on it fail the same way', async () => {
    const { clock, pool, events, options } = setup(KEYS, 2);
    const call = () =>
      callWithKey(pool, options, async (lease) => {
        await clock.sleep(100);
        if (lease.name === 'openai#1') throw noQuota();
        return lease.name;
      });
    // Least recently used first: openai#1, openai#2, then openai#1 again.
    const results = [track(call()), track(call()), track(call())];
    await clock.advance(100);
    expect(events).toEqual([
      { type: 'key-set-aside', provider: 'openai', keyName: 'openai#1', kind: 'quota-exhausted', why: '429 insufficient_quota' },
    ]);
    await clock.advance(100);
    expect(results.map((result) => result.value)).toEqual(['openai#2', 'openai#2', 'openai#2']);
    expect(events).toHaveLength(1);
  });

  it('fails at once, and fails every waiter, when the last key is set aside', async () => {
    const { pool } = setup();
    const first = await pool.acquire(never);
    const second = await pool.acquire(never);
    const waiting = [track(pool.acquire(never)), track(pool.acquire(never))];
    first.setAside(revoked());
    await flushPromises();
    expect(waiting.map((result) => result.settled)).toEqual([false, false]);

    second.setAside(noQuota());
    await flushPromises();
    const message =
      'every openai key is set aside: openai#1 rejected (401 invalid_api_key), openai#2 out of quota (429 insufficient_quota); ' +
      'the last answer: 429 You exceeded your current quota';
    for (const result of waiting) {
      expect(result.error).toBeInstanceOf(ModelCallError);
      expect(result.error).toMatchObject({ reason: 'no-usable-key', message, stopsRun: true });
    }
    await expect(pool.acquire(never)).rejects.toMatchObject({ reason: 'no-usable-key', message });
    expect(JSON.stringify(pool.snapshot())).not.toContain('sk-test');
  });

  it('ends a call through callWithKey with no-usable-key once it has tried every key', async () => {
    const { clock, pool, events, options } = setup();
    let calls = 0;
    const result = track(
      callWithKey(pool, options, () => {
        calls += 1;
        return Promise.reject(calls === 1 ? revoked() : noQuota());
      }),
    );
    await flushPromises();
    expect(result.error).toMatchObject({ reason: 'no-usable-key' });
    expect(calls).toBe(2);
    expect(events.map((event) => event.type)).toEqual(['key-set-aside', 'key-set-aside']);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('never leases a set-aside key again, not even after a rest of the other key ends', async () => {
    const { clock, pool } = setup();
    (await pool.acquire(never)).setAside(revoked());
    (await pool.acquire(never)).rateLimited(5000);
    const next = track(pool.acquire(never));
    await clock.advance(4999);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.value?.name).toBe('openai#2');
  });

  it("sets a keyless pool's one slot aside the same way", async () => {
    const { pool, events, options } = setup([]);
    const result = track(
      callWithKey(pool, options, () => Promise.reject(new KeyUnusableError('403 Forbidden', 'rejected', '403 forbidden'))),
    );
    await flushPromises();
    expect(events).toEqual([{ type: 'key-set-aside', provider: 'openai', keyName: 'openai', kind: 'rejected', why: '403 forbidden' }]);
    expect(result.error).toMatchObject({
      reason: 'no-usable-key',
      message: 'the openai server is set aside: openai rejected (403 forbidden); the last answer: 403 Forbidden',
    });
  });

  it('does not count a set-aside key as a transient attempt', async () => {
    const { clock, pool, events, options } = setup();
    let calls = 0;
    const result = track(
      callWithKey(pool, { ...options, maxTransientAttempts: 2 }, (lease) => {
        calls += 1;
        if (lease.name === 'openai#1') return Promise.reject(revoked());
        return calls === 2 ? Promise.reject(new TransientModelError('502 Bad Gateway', 502)) : Promise.resolve('ok');
      }),
    );
    while (!result.settled) expect(await clock.advanceToNext()).toBe(true);
    expect(result.value).toBe('ok');
    expect(events.map((event) => event.type)).toEqual(['key-set-aside', 'transient-retry']);
  });
});
