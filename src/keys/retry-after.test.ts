import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads retry-after in whole and decimal seconds', () => {
    expect(parseRetryAfter({ 'retry-after': '20' }, NOW)).toBe(20_000);
    expect(parseRetryAfter({ 'retry-after': '1.5' }, NOW)).toBe(1500);
    expect(parseRetryAfter({ 'retry-after': '0' }, NOW)).toBe(0);
  });

  it('reads retry-after-ms as decimal milliseconds', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '1500' }, NOW)).toBe(1500);
    expect(parseRetryAfter({ 'retry-after-ms': '250.5' }, NOW)).toBe(250.5);
  });

  it('prefers retry-after-ms over retry-after', () => {
    expect(parseRetryAfter({ 'retry-after': '30', 'retry-after-ms': '700' }, NOW)).toBe(700);
  });

  it('falls back to retry-after when retry-after-ms is garbage', () => {
    expect(parseRetryAfter({ 'retry-after': '3', 'retry-after-ms': 'soon' }, NOW)).toBe(3000);
  });

  it('matches header names case-insensitively', () => {
    expect(parseRetryAfter({ 'Retry-After': '7' }, NOW)).toBe(7000);
    expect(parseRetryAfter({ 'RETRY-AFTER-MS': '42' }, NOW)).toBe(42);
  });

  it('reads an HTTP date relative to now', () => {
    const inThirtySeconds = new Date(NOW + 30_000).toUTCString();
    expect(parseRetryAfter({ 'retry-after': inThirtySeconds }, NOW)).toBe(30_000);
  });

  it('gives 0 for an HTTP date in the past', () => {
    const aMinuteAgo = new Date(NOW - 60_000).toUTCString();
    expect(parseRetryAfter({ 'retry-after': aMinuteAgo }, NOW)).toBe(0);
  });

  it('ignores garbage, negative values and missing headers', () => {
    for (const value of ['soon', '-5', '-1.5', '1e3', '', '10 seconds', 'Infinity', 'NaN']) {
      expect(parseRetryAfter({ 'retry-after': value }, NOW), value).toBeUndefined();
      expect(parseRetryAfter({ 'retry-after-ms': value }, NOW), value).toBeUndefined();
    }
    expect(parseRetryAfter({ 'retry-after': 'Funday, 99 Nov 2026 25:61:00 GMT' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'content-type': 'application/json', 'retry-after': undefined }, NOW)).toBeUndefined();
    expect(parseRetryAfter({}, NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });

  it('reads far-future dates and huge numbers as the finite waits they are, for the pool to cap', () => {
    const in2099 = parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2099 00:00:00 GMT' }, NOW);
    expect(in2099).toBe(Date.UTC(2099, 0, 1) - NOW);
    expect(parseRetryAfter({ 'retry-after': '86400' }, NOW)).toBe(86_400_000);
    expect(parseRetryAfter({ 'retry-after-ms': '100000000000000000000' }, NOW)).toBe(1e20);
  });

  it('ignores numbers too large to be finite and dates past what a date can hold', () => {
    expect(parseRetryAfter({ 'retry-after': '9'.repeat(400) }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': `1${'0'.repeat(307)}` }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'Sat, 01 Jan 275761 00:00:00 GMT' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after-ms': '1e20' }, NOW)).toBeUndefined();
  });
});
