import { describe, expect, it } from 'vitest';
import type { PlannedItem } from '../runner/events.js';
import { renderDryRun } from './dry-run-table.js';

const ITEMS: PlannedItem[] = [
  { id: '1', title: 'Add login', action: { kind: 'start' } },
  {
    id: '22',
    title: 'A very long title that goes on and on about many things the issue wants done',
    action: { kind: 'resume', stage: 'review' },
  },
  { id: 'old', title: 'Done already', action: { kind: 'skip', reason: 'approved LLD exists' } },
];

describe('renderDryRun', () => {
  it('lists id, title and what would happen for each item, aligned', () => {
    const lines = renderDryRun(ITEMS, 'lld').split('\n');
    expect(lines[0]).toMatch(/^id\s+title\s+action$/);
    const row = (id: string): string[] => (lines.find((line) => line.startsWith(`${id} `)) ?? '').split(/\s{2,}/);
    expect(row('1')).toEqual(['1', 'Add login', 'start']);
    expect(row('old')).toEqual(['old', 'Done already', 'skip (approved LLD exists)']);
    const [id, title, action] = row('22');
    expect([id, action]).toEqual(['22', 'resume at review']);
    expect(title?.endsWith('…')).toBe(true);
    expect(title?.length).toBeLessThanOrEqual(50);
    expect('A very long title that goes on and on about many things'.startsWith(title?.slice(0, -1) ?? 'x')).toBe(true);
    const actionColumn = (lines[0] ?? '').indexOf('action');
    for (const line of lines.slice(2, 5)) expect(line.slice(actionColumn - 2, actionColumn)).toBe('  ');
  });

  it('ends with a total line saying nothing was run', () => {
    const text = renderDryRun(ITEMS, 'lld');
    expect(text.split('\n').at(-1)).toBe('dry run (lld): 3 items · 1 to start · 1 to resume · 1 to skip; nothing was run or written');
  });

  it('lists refused items and invalid files with why, and counts them', () => {
    const items: PlannedItem[] = [
      ...ITEMS,
      {
        id: 'big',
        title: 'big',
        action: { kind: 'refuse', status: 'failed', reason: 'items/big.md is 10 MB, above the item size limit of 256 KB' },
      },
      { id: 'café.md', title: '', action: { kind: 'refuse', status: 'invalid', reason: '"café" is not a valid item id' } },
    ];
    const lines = renderDryRun(items, 'lld').split('\n');
    expect(lines.find((line) => line.startsWith('big '))?.split(/\s{2,}/)).toEqual([
      'big',
      'big',
      'fail (items/big.md is 10 MB, above the item size limit of 256 KB)',
    ]);
    expect(lines.find((line) => line.startsWith('café.md '))).toMatch(/^café\.md\s+invalid \("café" is not a valid item id\)$/);
    expect(lines.at(-1)).toBe(
      'dry run (lld): 5 items · 1 to start · 1 to resume · 1 to skip · 1 to fail · 1 invalid; nothing was run or written',
    );
  });

  it('says when there is nothing to do', () => {
    expect(renderDryRun([], 'implement')).toBe('dry run (implement): nothing to do; nothing was run or written');
  });
});
