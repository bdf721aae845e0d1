import { describe, expect, it } from 'vitest';
import { cooldownAfterRateLimit } from './cooldown.js';

const BACKOFF = { baseMs: 1000, maxMs: 60_000 };
const CAP = 10 * 60_000;
const half = () => 0.5;

describe('cooldownAfterRateLimit', () => {
  it('rests as long as the provider asked, up to the cap', () => {
    expect(cooldownAfterRateLimit(20_000, 1, BACKOFF, half, CAP)).toEqual({ ms: 20_000, announced: true, askedMs: 20_000, capped: false });
    expect(cooldownAfterRateLimit(CAP, 1, BACKOFF, half, CAP)).toEqual({ ms: CAP, announced: true, askedMs: CAP, capped: false });
    expect(cooldownAfterRateLimit(1500.2, 1, BACKOFF, half, CAP)).toMatchObject({ ms: 1501 });
  });

  it('rests the cap, and keeps what was asked, when the provider asks for longer', () => {
    const day = 86_400_000;
    expect(cooldownAfterRateLimit(day, 1, BACKOFF, half, CAP)).toEqual({ ms: CAP, announced: true, askedMs: day, capped: true });
    expect(cooldownAfterRateLimit(1e20, 1, BACKOFF, half, CAP)).toEqual({ ms: CAP, announced: true, askedMs: 1e20, capped: true });
  });

  it('backs off exponentially when the announced wait is missing, zero, negative or not finite', () => {
    for (const retryAfterMs of [undefined, 0, -5000, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(cooldownAfterRateLimit(retryAfterMs, 1, BACKOFF, half, CAP), String(retryAfterMs)).toEqual({
        ms: 750,
        announced: false,
        askedMs: undefined,
        capped: false,
      });
      expect(cooldownAfterRateLimit(retryAfterMs, 3, BACKOFF, half, CAP).ms).toBe(3000);
    }
  });

  it('never lets the back-off exceed the cap', () => {
    expect(cooldownAfterRateLimit(undefined, 20, { baseMs: 1000, maxMs: 3_600_000 }, () => 1, CAP).ms).toBe(CAP);
  });
});
