import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from '../clock/testing/fake-clock.js';
import { ModelCallError, RateLimitedError, TransientModelError } from '../model-call/errors.js';
import { callWithKey, type KeyEvent } from './call-with-key.js';
import { KeyPool } from './key-pool.js';
import { KeyPoolExhaustedError } from './key-pool-exhausted-error.js';
import { type KeyDemand, type KeyLease, type KeyPoolOptions, type KeyWaitInfo } from './key-lease.js';
import { SecretRedactor } from './redact.js';
import { parseRetryAfter } from './retry-after.js';
import { track } from '../../test/support/track-promise.js';

const KEYS = ['sk-test-first-key', 'sk-test-second-key', 'sk-test-third-key'];

/** Counts how each lease ends, to prove callWithKey ends every lease exactly once. */
class CountingPool extends KeyPool {
  readonly endings: Array<{ name: string; how: string }> = [];

  override async acquire(signal: AbortSignal, onWait?: (info: KeyWaitInfo) => void, demand?: KeyDemand): Promise<KeyLease> {
    const lease = await super.acquire(signal, onWait, demand);
    const endings = this.endings;
    return {
      name: lease.name,
      value: lease.value,
      observeHeaders: (headers) => lease.observeHeaders(headers),
      release(succeeded) {
        endings.push({ name: lease.name, how: succeeded ? 'success' : 'release' });
        lease.release(succeeded);
      },
      rateLimited(retryAfterMs) {
        endings.push({ name: lease.name, how: 'rate-limited' });
        return lease.rateLimited(retryAfterMs);
      },
      setAside(error) {
        endings.push({ name: lease.name, how: 'set-aside' });
        return lease.setAside(error);
      },
    };
  }
}

function setup(overrides: Partial<KeyPoolOptions> = {}) {
  const clock = new FakeClock();
  const pool = new CountingPool({ provider: 'openai', keys: KEYS.slice(0, 2), clock, random: () => 0.5, ...overrides });
  const events: KeyEvent[] = [];
  const controller = new AbortController();
  const options = { signal: controller.signal, clock, random: () => 0.5, onEvent: (event: KeyEvent) => events.push(event) };
  return { clock, pool, events, controller, options };
}

function allFree(pool: KeyPool): boolean {
  return pool.snapshot().every((key) => key.inFlight === 0);
}

describe('callWithKey', () => {
  it('runs the call with a leased key and releases it as a success', async () => {
    const { pool, options } = setup();
    const result = await callWithKey(pool, options, (lease) => Promise.resolve(`answered with ${lease.name}`));
    expect(result).toBe('answered with openai#1');
    expect(pool.endings).toEqual([{ name: 'openai#1', how: 'success' }]);
    expect(allFree(pool)).toBe(true);
  });

  it('on a 429 with retry-after 20 s rests that key, moves to another and succeeds', async () => {
    const { clock, pool, events, options } = setup();
    const start = clock.now();
    const used: Array<{ name: string; at: number }> = [];
    const callOnce = () =>
      callWithKey(pool, options, (lease) => {
        used.push({ name: lease.name, at: clock.now() });
        if (used.length === 1) {
          const headers = { 'retry-after': '20' };
          return Promise.reject(new RateLimitedError('429 Too Many Requests', parseRetryAfter(headers, clock.now())));
        }
        return Promise.resolve(lease.name);
      });

    await expect(callOnce()).resolves.toBe('openai#2');
    expect(events).toEqual([{ type: 'rate-limited', provider: 'openai', keyName: 'openai#1', cooldownMs: 20_000, announced: true }]);
    expect(pool.snapshot()[0]?.coolingUntil).toBe(start + 20_000);

    // Calls during the next 20 s of fake time all go to openai#2; the first after it may use openai#1 again.
    for (let second = 4; second <= 24; second += 4) {
      await clock.advance(4000);
      await callOnce();
    }
    for (const use of used.slice(1)) {
      if (use.at < start + 20_000) expect(use.name).toBe('openai#2');
    }
    expect(used.find((use) => use.name === 'openai#1' && use.at > start)?.at).toBe(start + 20_000);
    expect(pool.endings.filter((ending) => ending.how === 'rate-limited')).toHaveLength(1);
    expect(allFree(pool)).toBe(true);
  });

  it('never counts 429s as attempts, and waits when every key rests', async () => {
    const { clock, pool, events, options } = setup({ keys: KEYS.slice(0, 1) });
    let calls = 0;
    const result = track(
      callWithKey(pool, { ...options, maxTransientAttempts: 1 }, () => {
        calls += 1;
        return calls <= 5 ? Promise.reject(new RateLimitedError('429', 1000)) : Promise.resolve('done');
      }),
    );
    while (!result.settled) {
      expect(await clock.advanceToNext()).toBe(true);
    }
    expect(result.value).toBe('done');
    expect(calls).toBe(6);
    expect(events.filter((event) => event.type === 'rate-limited')).toHaveLength(5);
    expect(events.filter((event) => event.type === 'waiting-for-key')).toHaveLength(5);
    expect(pool.endings.map((ending) => ending.how)).toEqual([...Array<string>(5).fill('rate-limited'), 'success']);
  });

  it('reports a back-off cool-down as not announced', async () => {
    const { clock, pool, events, options } = setup({ backoff: { baseMs: 2000, maxMs: 60_000 } });
    let calls = 0;
    await callWithKey(pool, options, () => (++calls === 1 ? Promise.reject(new RateLimitedError('429', undefined)) : Promise.resolve(1)));
    expect(events).toEqual([{ type: 'rate-limited', provider: 'openai', keyName: 'openai#1', cooldownMs: 1500, announced: false }]);
    expect(pool.snapshot()[0]?.coolingUntil).toBe(clock.now() + 1500);
  });

  it('emits one waiting-for-key event for a wait with several wake-ups', async () => {
    const { clock, pool, events, options } = setup({ keys: KEYS.slice(0, 1) });
    const held = await pool.acquire(new AbortController().signal);
    const result = track(callWithKey(pool, options, (lease) => Promise.resolve(lease.name)));
    await flushPromises();
    held.rateLimited(3000);
    await clock.advance(1000);
    await clock.advance(2000);
    expect(result.value).toBe('openai#1');
    expect(events.filter((event) => event.type === 'waiting-for-key')).toEqual([
      {
        type: 'waiting-for-key',
        info: { provider: 'openai', keys: 1, busy: 1, cooling: 0, paced: 0, setAside: 0, nextFreeInMs: undefined },
      },
    ]);
  });

  it('retries transient failures after a back-off on the clock', async () => {
    const { clock, pool, events, options } = setup();
    const start = clock.now();
    const startedAt: number[] = [];
    const result = track(
      callWithKey(pool, options, () => {
        startedAt.push(clock.now());
        return startedAt.length < 3 ? Promise.reject(new TransientModelError('502 Bad Gateway', 502)) : Promise.resolve('ok');
      }),
    );
    await flushPromises();
    expect(startedAt).toEqual([start]);
    await clock.advance(374);
    expect(startedAt).toHaveLength(1);
    await clock.advance(1);
    expect(startedAt).toEqual([start, start + 375]);
    await clock.advance(750);
    expect(result.value).toBe('ok');
    expect(startedAt).toEqual([start, start + 375, start + 1125]);
    expect(events).toEqual([
      { type: 'transient-retry', provider: 'openai', keyName: 'openai#1', attempt: 1, delayMs: 375, message: '502 Bad Gateway' },
      { type: 'transient-retry', provider: 'openai', keyName: 'openai#2', attempt: 2, delayMs: 750, message: '502 Bad Gateway' },
    ]);
    expect(pool.endings.map((ending) => ending.how)).toEqual(['release', 'release', 'success']);
  });

  it('fails as ModelCallError("server") after maxTransientAttempts, naming the last message without the key', async () => {
    const { clock, pool, events, options } = setup({ keys: KEYS.slice(0, 1) });
    let calls = 0;
    const lastError = new TransientModelError(`503 overloaded for key ${KEYS[0]} (try ${4})`, 503);
    const redact = new SecretRedactor(KEYS.map((value, index) => ({ value, name: `openai#${index + 1}` }))).redact;
    const result = track(
      callWithKey(pool, { ...options, redact, maxTransientAttempts: 4, transientBackoff: { baseMs: 100, maxMs: 150 } }, () => {
        calls += 1;
        return Promise.reject(calls === 4 ? lastError : new TransientModelError('503 overloaded', 503));
      }),
    );
    while (!result.settled) await clock.advanceToNext();
    expect(calls).toBe(4);
    expect(result.error).toBeInstanceOf(ModelCallError);
    const error = result.error as ModelCallError;
    expect(error.reason).toBe('server');
    expect(error.message).toBe('openai failed after 4 attempts: 503 overloaded for key openai#1 (try 4)');
    expect(error.cause).toBe(lastError);
    expect(events.map((event) => (event.type === 'transient-retry' ? event.delayMs : undefined))).toEqual([75, 113, 113]);
    expect(pool.endings).toHaveLength(4);
    expect(allFree(pool)).toBe(true);
  });

  it('passes transient-retry messages through the run redactor it is given', async () => {
    const { clock, pool, events, options } = setup({ keys: KEYS.slice(0, 1) });
    const redact = new SecretRedactor([{ value: KEYS[0]!, name: 'openai#1' }]).redact;
    let calls = 0;
    const result = track(
      callWithKey(pool, { ...options, redact }, () =>
        ++calls === 1 ? Promise.reject(new TransientModelError(`502 from upstream for ${KEYS[0]!}`, 502)) : Promise.resolve('ok'),
      ),
    );
    while (!result.settled) await clock.advanceToNext();
    expect(result.value).toBe('ok');
    expect(events).toEqual([
      expect.objectContaining({ type: 'transient-retry', keyName: 'openai#1', message: '502 from upstream for openai#1' }),
    ]);
  });

  it('rethrows any other error unchanged after releasing the key', async () => {
    const { pool, events, options } = setup();
    const failure = new ModelCallError('authentication', '401 invalid key');
    await expect(callWithKey(pool, options, () => Promise.reject(failure))).rejects.toBe(failure);
    const plain = new TypeError('boom');
    await expect(
      callWithKey(pool, options, () => {
        throw plain;
      }),
    ).rejects.toBe(plain);
    expect(events).toEqual([]);
    expect(pool.endings.map((ending) => ending.how)).toEqual(['release', 'release']);
    expect(allFree(pool)).toBe(true);
  });

  it('stops at once when aborted during a transient back-off', async () => {
    const { clock, pool, controller, options } = setup();
    const result = track(callWithKey(pool, options, () => Promise.reject(new TransientModelError('500', 500))));
    await flushPromises();
    expect(clock.pendingSleeps).toBe(1);
    const reason = new Error('interrupted');
    controller.abort(reason);
    await flushPromises();
    expect(result.error).toBe(reason);
    expect(pool.endings).toHaveLength(1);
    expect(allFree(pool)).toBe(true);
  });

  it('fails at once as ModelCallError("rate-limited") when the only key rests longer than the pool waits', async () => {
    const { clock, pool, options } = setup({ keys: KEYS.slice(0, 1), maxWaitMs: 30_000 });
    let calls = 0;
    const result = track(
      callWithKey(pool, options, () =>
        // A pool that handed out the resting key again would loop here; fail instead of hanging.
        Promise.reject(++calls > 1 ? new Error('resting key leased again') : new RateLimitedError('429', 3_600_000)),
      ),
    );
    await flushPromises();
    expect(result.error).toBeInstanceOf(ModelCallError);
    expect(result.error).toMatchObject({
      reason: 'rate-limited',
      message:
        'every openai key is rate limited: the earliest is free in 1 h (the provider asked for 1 h), beyond the longest wait for a key (30 s)',
    });
    expect(calls).toBe(1);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('fails with KeyPoolExhaustedError when a busy key could still come free but none does in time', async () => {
    const { clock, pool, options } = setup({ maxWaitMs: 30_000 });
    const held = await pool.acquire(new AbortController().signal);
    let calls = 0;
    const result = track(
      callWithKey(pool, options, () =>
        Promise.reject(++calls > 1 ? new Error('resting key leased again') : new RateLimitedError('429', 3_600_000)),
      ),
    );
    await clock.advance(29_999);
    expect(result.settled).toBe(false);
    await clock.advance(1);
    expect(result.error).toBeInstanceOf(KeyPoolExhaustedError);
    expect((result.error as Error).message).not.toContain('sk-test');
    expect(calls).toBe(1);
    held.release(true);
    expect(clock.pendingSleeps).toBe(0);
  });
});
