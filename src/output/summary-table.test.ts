import { describe, expect, it } from 'vitest';
import type { ItemSummary, RunSummary } from '../core/items.js';
import { renderSummary } from './summary-table.js';
import { hasEscapeCodes, stripEscapeCodes } from './testing/capture-stream.js';

function item(id: string, overrides: Partial<ItemSummary>): ItemSummary {
  return {
    id,
    title: `Title ${id}`,
    status: 'succeeded',
    stage: 'approved',
    durationMs: 1000,
    llmCalls: 0,
    costUsd: 0,
    output: null,
    error: null,
    ...overrides,
  };
}

const SUMMARY: RunSummary = {
  runId: '2026-01-02T03-04-05Z',
  workflow: 'lld',
  startedAt: '2026-01-02T03:04:05.000Z',
  durationMs: 245_000,
  parallel: 3,
  counts: { succeeded: 1, failed: 1, blocked: 1, skipped: 1, interrupted: 1, cancelled: 0, invalid: 0 },
  items: [
    item('101', { durationMs: 12_300, llmCalls: 4, costUsd: 0.0123, output: 'docs/lld/active/LLD-101.md' }),
    item('7', {
      status: 'failed',
      stage: 'draft',
      durationMs: 1_800_000,
      llmCalls: 1,
      costUsd: 1.5,
      error: 'timeout: item ran over 30 minutes\nstack detail',
    }),
    item('blocked-one', {
      status: 'blocked',
      stage: 'review',
      durationMs: 850,
      llmCalls: 6,
      costUsd: 0.2,
      error: 'reviewer asked for a human decision',
    }),
    item('9', { status: 'skipped', stage: 'approved', durationMs: 0 }),
    item('12', { status: 'interrupted', stage: 'revise', durationMs: 3_720_000, llmCalls: 2, costUsd: 0.05 }),
  ],
  retryCommand: 'lldflow requirements --type lld --repo . --issue 7,blocked-one,12',
};

function rowOf(text: string, id: string): string[] {
  const row = text.split('\n').find((line) => line.startsWith(`${id} `));
  expect(row, `row for ${id}`).toBeDefined();
  return (row ?? '').trim().split(/\s{2,}/);
}

describe('renderSummary', () => {
  it('has one aligned row per item with status, stage, duration, model calls and cost', () => {
    const text = renderSummary(SUMMARY, { color: false });
    expect(rowOf(text, 'id')).toEqual(['id', 'status', 'stage', 'duration', 'model calls', 'cost']);
    expect(rowOf(text, '101')).toEqual(['101', 'succeeded', 'approved', '12.3s', '4', '$0.0123']);
    expect(rowOf(text, '7')).toEqual(['7', 'failed', 'draft', '30m00s', '1', '$1.50']);
    expect(rowOf(text, 'blocked-one')).toEqual(['blocked-one', 'blocked', 'review', '850ms', '6', '$0.2000']);
    expect(rowOf(text, '9')).toEqual(['9', 'skipped', 'approved', '0ms', '0', '$0.0000']);
    expect(rowOf(text, '12')).toEqual(['12', 'interrupted', 'revise', '1h02m', '2', '$0.0500']);
    const lines = text.split('\n');
    const header = lines[0] ?? '';
    // Right-aligned columns end at the same place on every row.
    const costEnd = header.length;
    for (const id of ['101', '7', 'blocked-one']) expect(lines.find((line) => line.startsWith(`${id} `))?.length).toBe(costEnd);
  });

  it('totals the statuses, wall time, calls and cost, then lists what needs attention and the retry command', () => {
    const text = renderSummary(SUMMARY, { color: false });
    expect(text).toContain(
      'total: 1 succeeded · 1 skipped · 1 failed · 1 blocked · 1 interrupted · wall time 4m05s · 13 model calls · $1.76',
    );
    const lines = text.split('\n');
    expect(lines).toContain('failed: 7');
    expect(lines).toContain('  7: timeout: item ran over 30 minutes');
    expect(lines).toContain('blocked: blocked-one');
    expect(lines).toContain('  blocked-one: reviewer asked for a human decision');
    expect(lines).toContain('interrupted: 12');
    expect(lines.at(-1)).toBe('retry: lldflow requirements --type lld --repo . --issue 7,blocked-one,12');
    expect(text).not.toContain('stack detail');
    expect(hasEscapeCodes(text)).toBe(false);
  });

  it('omits the attention lists and retry line when everything succeeded', () => {
    const text = renderSummary(
      {
        ...SUMMARY,
        counts: { ...SUMMARY.counts, failed: 0, blocked: 0, skipped: 0, interrupted: 0 },
        items: SUMMARY.items.slice(0, 1),
        retryCommand: null,
      },
      { color: false },
    );
    expect(text).not.toMatch(/^(failed|blocked|interrupted|retry):/m);
    expect(text).toContain('total: 1 succeeded · wall time 4m05s');
  });

  it('says there was nothing to do for an empty run', () => {
    const text = renderSummary(
      {
        ...SUMMARY,
        counts: { succeeded: 0, failed: 0, blocked: 0, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
        items: [],
        retryCommand: null,
      },
      { color: false },
    );
    expect(text).toContain('nothing to do');
    expect(text).toContain('total: no items');
  });

  it('lists invalid source files with their reasons, and leaves them out of the retry command', () => {
    const text = renderSummary(
      {
        ...SUMMARY,
        counts: { ...SUMMARY.counts, succeeded: 1, failed: 0, blocked: 0, skipped: 0, interrupted: 0, invalid: 2 },
        items: [
          SUMMARY.items[0]!,
          item('a b.md', {
            title: '',
            status: 'invalid',
            stage: 'collect',
            durationMs: 0,
            error: '"a b" is not a valid item id: it contains " "',
          }),
          item('café.md', {
            title: '',
            status: 'invalid',
            stage: 'collect',
            durationMs: 0,
            error: '"café" is not a valid item id: it contains "é"',
          }),
        ],
        retryCommand: null,
      },
      { color: false },
    );
    expect(rowOf(text, 'a b.md')).toEqual(['a b.md', 'invalid', 'collect', '0ms', '0', '$0.0000']);
    expect(text).toContain('total: 1 succeeded · 2 invalid · wall time');
    const lines = text.split('\n');
    expect(lines).toContain('invalid: a b.md, café.md');
    expect(lines).toContain('  café.md: "café" is not a valid item id: it contains "é"');
    expect(text).not.toContain('retry:');
  });

  it('under each blocked item: its questions or blocking items, failing tests, worktree, and the commands that act on it', () => {
    const failing = Array.from({ length: 14 }, (_, index) => `not ok ${index + 1} - case ${index + 1}`).join('\n');
    const text = renderSummary(
      {
        ...SUMMARY,
        counts: { ...SUMMARY.counts, succeeded: 0, failed: 0, blocked: 2, skipped: 0, interrupted: 0 },
        items: [
          item('3', {
            status: 'blocked',
            error: 'the reviewer asked for a human decision (DISCUSS)',
            blocked: {
              questions: ['Split long words by default?', 'Keep URLs whole?'],
              blockingItems: [],
              approveCommand: 'lldflow approve 3 --repo /r',
              continueCommand: 'lldflow requirements --type lld --repo /r --issue 3 --continue',
            },
          }),
          item('5', {
            status: 'blocked',
            error: 'tests still failing after 5 iterations (--max-iterations 5)',
            blocked: {
              questions: [],
              blockingItems: ['one', 'two', 'three', 'four', 'five', 'six', 'seven'],
              failingTests: failing,
              worktree: '/r/.lldflow/worktrees/5',
              continueCommand: 'lldflow implement --repo /r --issue 5 --continue',
            },
          }),
        ],
        retryCommand: null,
        retryBlockedCommand: 'lldflow requirements --type lld --repo /r --retry-blocked --continue',
      },
      { color: false },
    );
    const lines = text.split('\n');
    const from = lines.indexOf('blocked: 3, 5');
    expect(lines.slice(from, from + 5)).toEqual([
      'blocked: 3, 5',
      '  3: the reviewer asked for a human decision (DISCUSS)',
      '    question: Split long words by default?',
      '    question: Keep URLs whole?',
      '    approve: lldflow approve 3 --repo /r',
    ]);
    expect(lines).toContain('    continue: lldflow requirements --type lld --repo /r --issue 3 --continue');
    expect(lines).toContain('    blocking: five');
    expect(lines).not.toContain('    blocking: six');
    expect(lines).toContain('    (2 more blocking items in the run summary)');
    const tests = lines.indexOf('    failing tests:');
    expect(lines.slice(tests + 1, tests + 3)).toEqual(['      not ok 1 - case 1', '      not ok 2 - case 2']);
    expect(lines).toContain('      not ok 12 - case 12');
    expect(lines).not.toContain('      not ok 13 - case 13');
    expect(lines).toContain('      (2 more lines in the run summary)');
    expect(lines).toContain('    worktree: /r/.lldflow/worktrees/5');
    expect(lines).toContain('    continue: lldflow implement --repo /r --issue 5 --continue');
    expect(lines.at(-1)).toBe('continue blocked: lldflow requirements --type lld --repo /r --retry-blocked --continue');
    expect(lines.at(-2)).toBe('');
  });

  it('colours statuses only when asked, keeping the same visible text', () => {
    const coloured = renderSummary(SUMMARY, { color: true });
    expect(hasEscapeCodes(coloured)).toBe(true);
    expect(stripEscapeCodes(coloured)).toBe(renderSummary(SUMMARY, { color: false }));
  });
});
