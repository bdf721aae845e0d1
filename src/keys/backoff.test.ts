import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const options = { baseMs: 1000, maxMs: 10_000 };

describe('backoffDelay', () => {
  it('keeps half of the ceiling fixed and jitters the other half', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(500);
    expect(backoffDelay(1, options, () => 0.5)).toBe(750);
    expect(backoffDelay(1, options, () => 0.999_999)).toBe(1000);
  });

  it('doubles the ceiling per attempt', () => {
    const lowest = [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, options, () => 0));
    expect(lowest).toEqual([500, 1000, 2000, 4000]);
    const highest = [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, options, () => 0.999_999));
    expect(highest).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never exceeds maxMs, however many attempts', () => {
    for (const attempt of [5, 6, 10, 50, 2000]) {
      const delay = backoffDelay(attempt, options, () => 0.999_999);
      expect(delay).toBeLessThanOrEqual(options.maxMs);
      expect(delay).toBeGreaterThanOrEqual(options.maxMs / 2);
    }
  });

  it('stays within [ceiling/2, ceiling] for any random value', () => {
    for (let step = 0; step <= 100; step++) {
      const delay = backoffDelay(3, options, () => step / 101);
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });
});
