import { describe, expect, it } from 'vitest';
import { compareItemIds } from './compare-item-ids.js';

describe('compareItemIds', () => {
  it('sorts numbers numerically, then the rest alphabetically, and is total', () => {
    const ids = ['10', 'b', '9', 'LLD-10', 'a', 'LLD-2', '100', 'A'];
    expect([...ids].sort(compareItemIds)).toEqual(['9', '10', '100', 'a', 'A', 'b', 'LLD-2', 'LLD-10']);
    expect(compareItemIds('7', '007')).not.toBe(0);
    expect(compareItemIds('x', 'x')).toBe(0);
  });
});
