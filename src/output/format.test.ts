import { describe, expect, it } from 'vitest';
import { formatCost } from './format.js';

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
