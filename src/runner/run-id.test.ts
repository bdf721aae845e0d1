import { describe, expect, it } from 'vitest';
import { compareRunIds, makeRunId } from './run-id.js';

const NOON = Date.parse('2026-12-01T12:00:00.500Z');

describe('makeRunId', () => {
  it('is the UTC second, with a suffix from 2 on when that one is taken', () => {
    const taken = new Set(['2026-12-01T12-00-00Z', '2026-12-01T12-00-00Z-2']);
    expect(makeRunId(NOON, () => false)).toBe('2026-12-01T12-00-00Z');
    expect(makeRunId(NOON, (candidate) => taken.has(candidate))).toBe('2026-12-01T12-00-00Z-3');
  });
});

describe('compareRunIds', () => {
  it('orders runs by time and runs of one second by their suffix', () => {
    const ids = [
      '2026-12-01T12-00-00Z-10',
      '2026-12-01T12-00-01Z',
      '2026-12-01T12-00-00Z-2',
      '2026-12-01T12-00-00Z',
      '2026-11-30T23-59-59Z',
    ];
    expect([...ids].sort(compareRunIds)).toEqual([
      '2026-11-30T23-59-59Z',
      '2026-12-01T12-00-00Z',
      '2026-12-01T12-00-00Z-2',
      '2026-12-01T12-00-00Z-10',
      '2026-12-01T12-00-01Z',
    ]);
  });
});
