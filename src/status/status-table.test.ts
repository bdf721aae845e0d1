import { describe, expect, it } from 'vitest';
import { displayWidth } from '../output/display-width.js';
import { filterRows } from './status-filter.js';
import type { ItemStatusRow } from './status-row.js';
import { renderStatusTable } from './status-table.js';

function row(extra: Partial<ItemStatusRow>): ItemStatusRow {
  return {
    workflow: 'lld',
    id: '7',
    title: 'Seven',
    stage: 'done',
    lastResult: 'succeeded',
    costUsd: 0,
    output: null,
    branch: null,
    worktree: null,
    lastRunId: null,
    error: null,
    ...extra,
  };
}

const LONG_TITLE = 'Add a configurable dark mode toggle to every page, kept per user';
const ROWS: ItemStatusRow[] = [
  row({ id: '106', title: LONG_TITLE, output: 'docs/lld/active/LLD-106.md', costUsd: 0.0412 }),
  row({ id: '107', title: 'Short', stage: 'review 2', lastResult: 'blocked', output: 'docs/lld/active/LLD-107.md', costUsd: 0.5 }),
  row({
    workflow: 'implement',
    id: '106',
    title: LONG_TITLE,
    stage: 'green run 3',
    lastResult: 'failed',
    output: null,
    branch: '106-implementation',
    worktree: '.lldflow/worktrees/106',
    costUsd: 1.25,
  }),
];

describe('renderStatusTable', () => {
  it('at 80 columns: no line is wider, titles are cut at their end and outputs at their start, with an ellipsis', () => {
    const lines = renderStatusTable(ROWS, 80);
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(80);
    const first = lines[2]!;
    expect(first).toMatch(/^lld\s+106\s+Add a config\S*…\s+done\s+succeeded\s+\$0\.0412\s+…\S*LLD-106\.md$/);
    // One line per row: header, rule, three rows, the total.
    expect(lines).toHaveLength(6);
    expect(lines[4]).toMatch(/^implement\s+106\s+.*…\s+green run 3\s+failed\s+\$1\.25\s+…\S*worktrees\/106$/);
    expect(lines[5]).toBe('3 items, $1.79 in all');
  });

  it('at 160 columns the same rows fit whole (once the worktree is gone)', () => {
    const lines = renderStatusTable(
      ROWS.map((entry) => ({ ...entry, worktree: null })),
      160,
    );
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(160);
    expect(lines[2]).toContain(LONG_TITLE);
    expect(lines[2]).toMatch(/docs\/lld\/active\/LLD-106\.md$/);
    expect(lines[4]).toMatch(/green run 3\s+failed\s+\$1\.25\s+branch 106-implementation$/);
    expect(lines.join('\n')).not.toContain('…');
  });

  it('a stage wider than a narrow terminal still leaves every line within the width', () => {
    const lines = renderStatusTable([row({ stage: 'fixing 12 validation problems in a very long stage name' })], 40);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });

  it('wide characters count as two columns', () => {
    const lines = renderStatusTable([row({ title: '暗いモードの切り替えを設定ページに追加する機能の設計書です' })], 60);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(60);
  });
});

describe('filterRows', () => {
  const rows = [
    row({ id: '1', lastResult: 'succeeded' }),
    row({ id: '2', lastResult: 'approved' }),
    row({ id: '3', lastResult: 'blocked' }),
    row({ workflow: 'implement', id: '1', lastResult: 'blocked' }),
  ];
  const shown = (filter: Parameters<typeof filterRows>[1]): string[] =>
    filterRows(rows, filter).map((entry) => `${entry.workflow} ${entry.id}`);

  it('--status keeps the rows of that result; succeeded includes designs approved by hand', () => {
    expect(shown({ status: 'blocked' })).toEqual(['lld 3', 'implement 1']);
    expect(shown({ status: 'succeeded' })).toEqual(['lld 1', 'lld 2']);
    expect(shown({ status: 'approved' })).toEqual(['lld 2']);
    expect(shown({ status: 'pending' })).toEqual([]);
  });

  it('--workflow and --status together', () => {
    expect(shown({ workflow: 'implement' })).toEqual(['implement 1']);
    expect(shown({ workflow: 'lld', status: 'blocked' })).toEqual(['lld 3']);
    expect(shown({})).toHaveLength(4);
  });
});
