import { describe, expect, it } from 'vitest';
import { formatCost, formatDuration } from './format.js';

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
});

describe('formatCost', () => {
  it.each([
    [0, '$0.0000'],
    [0.01234, '$0.0123'],
    [0.5, '$0.5000'],
    [1, '$1.00'],
    [12.345, '$12.35'],
  ])('%s USD reads %s', (usd, expected) => {
    expect(formatCost(usd)).toBe(expected);
  });
});
