import { describe, expect, it } from 'vitest';
import { formatDuration, plural } from './format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [999.4, '999ms'],
    [999.6, '1.0s'],
    [12_340, '12.3s'],
    [59_940, '59.9s'],
    [59_960, '1m00s'],
    [245_000, '4m05s'],
    [3_599_400, '59m59s'],
    [3_599_600, '1h00m'],
    [3_720_000, '1h02m'],
    [-5, '0ms'],
    [Number.NaN, '0ms'],
  ])('%s ms reads %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [999.6, '1 s'],
    [5_000, '5 s'],
    [1_500, '1.5 s'],
    [12_340, '12.3 s'],
    [59_940, '59.9 s'],
    [59_960, '1 min'],
    [90_000, '1.5 min'],
    [30 * 60_000, '30 min'],
    [59 * 60_000, '59 min'],
    [60 * 60_000, '1 h'],
    [90 * 60_000, '1.5 h'],
    [23.9 * 3_600_000, '23.9 h'],
    [86_400_000 - 60_000, '1 day'],
    [86_400_000, '1 day'],
    [1.5 * 86_400_000, '1.5 days'],
    [364 * 86_400_000, '364 days'],
    [Date.UTC(2099, 0, 1) - Date.UTC(2026, 0, 1), '73 years'],
    [Number.POSITIVE_INFINITY, '0 ms'],
  ])('%s ms reads %s in prose', (ms, expected) => {
    expect(formatDuration(ms, 'prose')).toBe(expected);
  });
});

describe('plural', () => {
  it('picks the word for the count', () => {
    expect(plural(1, 'item')).toBe('item');
    expect(plural(0, 'item')).toBe('items');
    expect(plural(2, 'item')).toBe('items');
    expect(plural(2, 'has', 'have')).toBe('have');
    expect(plural(1, 'has', 'have')).toBe('has');
  });
});
