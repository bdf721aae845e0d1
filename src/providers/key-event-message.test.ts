import { describe, expect, it } from 'vitest';
import type { KeyWaitInfo } from '../keys/key-lease.js';
import { describeKeyEvent } from './key-event-message.js';

const waiting = (info: Partial<KeyWaitInfo>) =>
  describeKeyEvent({
    type: 'waiting-for-key',
    info: { provider: 'openai', keys: 3, busy: 0, cooling: 0, paced: 0, setAside: 0, nextFreeInMs: undefined, ...info },
  });

describe('describeKeyEvent', () => {
  it('names a rate-limited key and its rest, and whether the provider set it', () => {
    const base = { type: 'rate-limited', provider: 'openai', keyName: 'openai#1' } as const;
    expect(describeKeyEvent({ ...base, cooldownMs: 20_000, announced: true })).toBe(
      'openai#1 rate limited (HTTP 429): resting 20 s as the provider asked, retrying on the next free key',
    );
    expect(describeKeyEvent({ ...base, cooldownMs: 750, announced: false })).toBe(
      'openai#1 rate limited (HTTP 429): resting 750 ms, retrying on the next free key',
    );
  });

  it('says what the provider asked for when the rest is capped', () => {
    expect(
      describeKeyEvent({
        type: 'rate-limited',
        provider: 'openai',
        keyName: 'openai#1',
        cooldownMs: 600_000,
        announced: true,
        askedMs: 86_400_000,
      }),
    ).toBe(
      'openai#1 rate limited (HTTP 429): the provider asked for 1 day; resting 10 min (the longest rest), retrying on the next free key',
    );
  });

  it('names a key set aside and why', () => {
    expect(
      describeKeyEvent({ type: 'key-set-aside', provider: 'openai', keyName: 'openai#1', kind: 'rejected', why: '401 invalid_api_key' }),
    ).toBe('openai#1 rejected (401 invalid_api_key): not used again this run');
    expect(
      describeKeyEvent({
        type: 'key-set-aside',
        provider: 'openai',
        keyName: 'openai#2',
        kind: 'quota-exhausted',
        why: '429 insufficient_quota',
      }),
    ).toBe('openai#2 out of quota (429 insufficient_quota): not used again this run');
  });

  it('counts why every key is taken while waiting, pacing and set-aside keys only when there are any', () => {
    expect(waiting({ keys: 1, busy: 1 })).toBe('waiting for a free openai key (1 key: 1 busy, 0 cooling down)');
    expect(waiting({ busy: 1, cooling: 1, paced: 1, nextFreeInMs: 2000 })).toBe(
      'waiting for a free openai key (3 keys: 1 busy, 1 cooling down, 1 at its rate limit, next free in 2 s)',
    );
    expect(waiting({ paced: 2, setAside: 1, nextFreeInMs: 1500 })).toBe(
      'waiting for a free openai key (3 keys: 0 busy, 0 cooling down, 2 at their rate limits, 1 set aside, next free in 1.5 s)',
    );
  });

  it('names the failed attempt and the back-off', () => {
    expect(
      describeKeyEvent({
        type: 'transient-retry',
        provider: 'openai',
        keyName: 'openai#2',
        attempt: 1,
        delayMs: 375,
        message: '502 Bad Gateway',
      }),
    ).toBe('openai#2 attempt 1 failed (502 Bad Gateway); retrying in 375 ms');
  });
});
