import { describe, expect, it } from 'vitest';
import type { PlannedItem } from '../runner/events.js';
import { renderDryRun } from './dry-run-table.js';
import { projectItem } from './projected-cost.js';

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
    const lines = renderDryRun(ITEMS, 'lld', { width: 80 }).split('\n');
    expect(lines[0]).toMatch(/^id\s+title\s+action$/);
    const row = (id: string): string[] => (lines.find((line) => line.startsWith(`${id} `)) ?? '').split(/\s{2,}/);
    expect(row('1')).toEqual(['1', 'Add login', 'start']);
    expect(row('old')).toEqual(['old', 'Done already', 'skip (approved LLD exists)']);
    const [id, title, action] = row('22');
    expect([id, action]).toEqual(['22', 'resume at review']);
    expect(title?.endsWith('…')).toBe(true);
    expect(Math.max(...lines.slice(0, -2).map((line) => line.length))).toBeLessThanOrEqual(80);
    expect('A very long title that goes on and on about many things'.startsWith(title?.slice(0, -1) ?? 'x')).toBe(true);
    const actionColumn = (lines[0] ?? '').indexOf('action');
    for (const line of lines.slice(2, 5)) expect(line.slice(actionColumn - 2, actionColumn)).toBe('  ');
  });

  it('gives titles the width of the terminal: whole on a wide one, cut to fit a narrow one', () => {
    const long = 'Read a configuration file at the repository root, with flags over environment variables over the file over the defaults';
    const items: PlannedItem[] = [...ITEMS, { id: '15', title: long, action: { kind: 'start' } }];
    const row = (text: string): string => text.split('\n').find((line) => line.startsWith('15 ')) ?? '';
    const wide = renderDryRun(items, 'lld', { width: 160 });
    expect(row(wide)).toMatch(new RegExp(`^15\\s+${long}\\s+start$`));
    for (const width of [80, 100]) {
      const narrow = renderDryRun(items, 'lld', { width }).split('\n');
      expect(Math.max(...narrow.slice(0, -2).map((line) => line.length))).toBeLessThanOrEqual(width);
      const title = row(narrow.join('\n')).split(/\s{2,}/)[1] ?? '';
      expect(title.endsWith('…')).toBe(true);
      // Cut by what the other columns (32 characters here) leave, give or take the word it ends on.
      expect(title.length).toBeGreaterThan(width - 32 - 10);
    }
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

  it('says a blocked item taken up by --continue continues, instead of naming its last stage', () => {
    const text = renderDryRun([{ id: '3', title: 'Blocked', action: { kind: 'resume', stage: 'done', continueBlocked: true } }], 'lld');
    expect(text.split('\n').find((line) => line.startsWith('3 '))).toMatch(
      /^3\s+Blocked\s+continue where it was blocked, with more rounds$/,
    );
  });

  it('with projections: a cost column (— for an item that will not run, ? without a price) and the total under the table', () => {
    const oneCall = (model: string, inputCharacters: number, outputTokens: number) =>
      projectItem({ calls: [{ role: 'drafter', provider: 'openai', model, inputCharacters, outputTokens }], assumes: 'one call' });
    const projections = new Map([
      ['1', oneCall('gpt-4.1', 40_000, 1000)],
      ['22', oneCall('house', 40, 10)],
    ]);
    const lines = renderDryRun(ITEMS, 'lld', { projections }).split('\n');
    expect(lines[0]).toMatch(/^id\s+title\s+action\s+projected cost$/);
    expect(lines.find((line) => line.startsWith('1 '))).toMatch(/^1\s+Add login\s+start\s+\$0\.0280$/);
    expect(lines.find((line) => line.startsWith('22 '))).toMatch(/\s\?$/);
    expect(lines.find((line) => line.startsWith('old '))).toMatch(/\s—$/);
    expect(lines).toContain('  ?: no price for openai:house (give one under "prices" in lldflow.config.json)');
    expect(lines.find((line) => line.startsWith('projected cost: '))).toMatch(/^projected cost: at least \$0\.0280 \(\+ \?\) for 2 items/);
    expect(lines.at(-1)).toMatch(/^dry run \(lld\): 3 items/);
    expect(renderDryRun(ITEMS, 'lld').split('\n')[0]).toMatch(/^id\s+title\s+action$/);
  });
});
