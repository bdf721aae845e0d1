import { describe, expect, it } from 'vitest';
import { describeWait } from './wait-duration.js';

describe('describeWait', () => {
  it('writes waits under a day as formatDuration does', () => {
    expect(describeWait(2000)).toBe('2 s');
    expect(describeWait(10 * 60_000)).toBe('10 min');
    expect(describeWait(23 * 3_600_000)).toBe('23 h');
  });

  it('writes a day and more in days, at most one decimal', () => {
    expect(describeWait(86_400_000)).toBe('1 day');
    expect(describeWait(86_400_000 - 60_000)).toBe('1 day');
    expect(describeWait(23.9 * 3_600_000)).toBe('23.9 h');
    expect(describeWait(1.5 * 86_400_000)).toBe('1.5 days');
    expect(describeWait(Date.UTC(2099, 0, 1) - Date.UTC(2026, 0, 1))).toBe('26663 days');
  });

  it('reads negative and non-finite waits as zero', () => {
    expect(describeWait(-5)).toBe('0 ms');
    expect(describeWait(Number.POSITIVE_INFINITY)).toBe('0 ms');
  });
});
