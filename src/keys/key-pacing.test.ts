import { describe, expect, it } from 'vitest';
import { KeyBudget } from './key-pacing.js';
import type { RateLimitObservation } from './rate-limit-headers.js';

const T0 = 1_000_000;
const REQUEST = { tokens: 0 };

function budget(...observations: RateLimitObservation[]): KeyBudget {
  const result = new KeyBudget();
  result.observe(observations, T0);
  return result;
}

describe('KeyBudget', () => {
  it('without observations holds nothing back', () => {
    const empty = new KeyBudget();
    empty.reserve({ tokens: 1e9 }, T0);
    expect(empty.freeAt({ tokens: 1e9 }, T0)).toBe(T0);
  });

  it('holds a key with no requests left until the refill gives one', () => {
    // 0 of 60 left, full in 60 s: one request a second comes back.
    const key = budget({ resource: 'requests', limit: 60, remaining: 0, resetInMs: 60_000 });
    expect(key.freeAt(REQUEST, T0)).toBe(T0 + 1000);
    expect(key.freeAt(REQUEST, T0 + 999)).toBe(T0 + 1000);
    expect(key.freeAt(REQUEST, T0 + 1000)).toBe(T0 + 1000);
  });

  it('counts what it reserved since the observation', () => {
    const key = budget({ resource: 'requests', limit: 10, remaining: 2, resetInMs: 8000 });
    key.reserve(REQUEST, T0);
    key.reserve(REQUEST, T0);
    expect(key.freeAt(REQUEST, T0)).toBe(T0 + 1000);
    key.reserve(REQUEST, T0 + 1000);
    expect(key.freeAt(REQUEST, T0 + 1000)).toBe(T0 + 2000);
  });

  it('lets an observation replace the estimate, reservations included', () => {
    const key = budget({ resource: 'requests', limit: 10, remaining: 0, resetInMs: 10_000 });
    key.reserve(REQUEST, T0 + 1000);
    expect(key.freeAt(REQUEST, T0 + 1000)).toBe(T0 + 2000);
    key.observe([{ resource: 'requests', limit: 10, remaining: 5, resetInMs: 5000 }], T0 + 1000);
    expect(key.freeAt(REQUEST, T0 + 1000)).toBe(T0 + 1000);
  });

  it('holds a token demand until the bucket has refilled enough for it', () => {
    // 1000 of 60000 tokens left, full in 59 s: 1000 tokens a second.
    const key = budget({ resource: 'tokens', limit: 60_000, remaining: 1000, resetInMs: 59_000 });
    expect(key.freeAt({ tokens: 1000 }, T0)).toBe(T0);
    expect(key.freeAt({ tokens: 3500 }, T0)).toBe(T0 + 2500);
    key.reserve({ tokens: 1000 }, T0);
    expect(key.freeAt({ tokens: 1000 }, T0)).toBe(T0 + 1000);
  });

  it('serves a demand larger than the whole limit once the limit is full, and charges it in full', () => {
    const key = budget({ resource: 'tokens', limit: 10_000, remaining: 4000, resetInMs: 6000 });
    expect(key.freeAt({ tokens: 25_000 }, T0)).toBe(T0 + 6000);
    key.reserve({ tokens: 25_000 }, T0 + 6000);
    // Down to -15000: the next 1000 tokens need 16000 refilled at 1000 a second.
    expect(key.freeAt({ tokens: 1000 }, T0 + 6000)).toBe(T0 + 22_000);
  });

  it('never refills past the limit', () => {
    const key = budget({ resource: 'requests', limit: 2, remaining: 1, resetInMs: 500 });
    // Long after the reset only 2 are there, so three quick reservations leave it 1 short.
    for (let index = 0; index < 3; index++) key.reserve(REQUEST, T0 + 60_000);
    expect(key.freeAt(REQUEST, T0 + 60_000)).toBe(T0 + 60_000 + 1000);
  });

  it('needs every limit to fit: requests and tokens', () => {
    const key = budget(
      { resource: 'requests', limit: 100, remaining: 50, resetInMs: 30_000 },
      { resource: 'tokens', limit: 10_000, remaining: 0, resetInMs: 10_000 },
    );
    expect(key.freeAt(REQUEST, T0)).toBe(T0);
    expect(key.freeAt({ tokens: 500 }, T0)).toBe(T0 + 500);
  });

  it("charges Anthropic's input and output limits their part of the demand when it is known", () => {
    const key = budget(
      { resource: 'input-tokens', limit: 40_000, remaining: 40_000, resetInMs: 0 },
      { resource: 'output-tokens', limit: 8000, remaining: 1000, resetInMs: 7000 },
    );
    // 3000 input and 2000 output: the input fits, the output needs another 1000 (one second).
    expect(key.freeAt({ tokens: 5000, outputTokens: 2000 }, T0)).toBe(T0 + 1000);
    // Without the split each limit is charged all of it.
    expect(key.freeAt({ tokens: 5000 }, T0)).toBe(T0 + 4000);
  });

  it('with an unknown limit holds until the reset and then forgets the limit', () => {
    const key = budget({ resource: 'requests', limit: undefined, remaining: 0, resetInMs: 2000 });
    expect(key.freeAt(REQUEST, T0)).toBe(T0 + 2000);
    expect(key.freeAt(REQUEST, T0 + 2000)).toBe(T0 + 2000);
    key.reserve(REQUEST, T0 + 2000);
    expect(key.freeAt(REQUEST, T0 + 2000)).toBe(T0 + 2000);
  });

  it('assumes a full limit refills over a minute', () => {
    const key = budget({ resource: 'requests', limit: 60, remaining: 60, resetInMs: 0 });
    for (let index = 0; index < 60; index++) key.reserve(REQUEST, T0);
    expect(key.freeAt(REQUEST, T0)).toBe(T0 + 1000);
  });
});
