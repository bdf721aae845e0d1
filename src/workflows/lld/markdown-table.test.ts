import { describe, expect, it } from 'vitest';
import { columnIndex, findTables, splitRow } from './markdown-table.js';

describe('splitRow', () => {
  it('splits on pipes outside code spans and unescapes \\|', () => {
    expect(splitRow('| `a | b` | c \\| d | e |')).toEqual(['`a | b`', 'c | d', 'e']);
  });

  it('keeps empty cells and accepts rows without outer pipes', () => {
    expect(splitRow('| a | | c |')).toEqual(['a', '', 'c']);
    expect(splitRow('a | b')).toEqual(['a', 'b']);
  });

  it('falls back to a plain split when a backtick is unbalanced', () => {
    expect(splitRow('| `a | b |')).toEqual(['`a', 'b']);
  });
});

describe('findTables', () => {
  it('reads header and rows and stops at the first non-row line', () => {
    const tables = findTables('intro\n\n| A | B |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |\n\nafter | not a row');
    expect(tables).toHaveLength(1);
    expect(tables[0]?.header).toEqual(['A', 'B']);
    expect(tables[0]?.rows.map((row) => row.cells)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('ignores tables inside code fences', () => {
    expect(findTables('```\n| A |\n|---|\n| 1 |\n```\n')).toEqual([]);
  });

  it('needs a delimiter row', () => {
    expect(findTables('| A | B |\n| 1 | 2 |')).toEqual([]);
  });
});

describe('columnIndex', () => {
  it('prefers earlier patterns and ignores emphasis in headers', () => {
    expect(columnIndex(['**Type**', 'Change Type'], [/^change type$/i, /type/i])).toBe(1);
    expect(columnIndex(['**Type**'], [/^change type$/i, /type/i])).toBe(0);
    expect(columnIndex(['x'], [/y/])).toBe(-1);
  });
});
