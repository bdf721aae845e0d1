import { describe, expect, it } from 'vitest';
import { displayWidth, foldToWidth, truncateToWidth } from './display-width.js';
import { stripEscapeCodes } from './testing/capture-stream.js';

describe('displayWidth', () => {
  it('counts wide characters twice, combining marks and colour codes not at all, tabs to the next stop', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('設定')).toBe(4);
    expect(displayWidth('🚀 go')).toBe(5);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('\u001B[31mred\u001B[39m')).toBe(3);
    expect(displayWidth('ab\tc')).toBe(9);
  });
});

describe('truncateToWidth', () => {
  it('cuts wide characters by the columns they take, never past the width', () => {
    expect(truncateToWidth('設定ファイル', 7)).toBe('設定フ…');
    expect(displayWidth(truncateToWidth('設定ファイル', 6))).toBeLessThanOrEqual(6);
    expect(truncateToWidth('設定', 4)).toBe('設定');
  });
});

describe('foldToWidth', () => {
  it('breaks at the last space that fits and continues under the prefix', () => {
    expect(foldToWidth('[7]  one two three four five', 15, 5)).toEqual(['[7]  one two', '     three four', '     five']);
  });

  it('never breaks inside the prefix, and cuts a word longer than the row', () => {
    expect(foldToWidth('[7]  abcdefghijklmnop', 12, 5)).toEqual(['[7]  abcdefg', '     hijklmn', '     op']);
    // A prefix that takes half the row or more gets no hanging indent: the text would have no room.
    expect(foldToWidth('[7]  abcdefghijklmnop', 10, 5)).toEqual(['[7]  abcde', 'fghijklmno', 'p']);
  });

  it('keeps every row within the width with wide characters and colour codes, losing nothing', () => {
    const line = `\u001B[36m[12]\u001B[39m 設定ファイルを読み込み、環境変数とフラグの優先順位を決める`;
    const rows = foldToWidth(line, 20, 5);
    for (const row of rows) expect(displayWidth(row)).toBeLessThanOrEqual(20);
    expect(rows.map((row, index) => stripEscapeCodes(index === 0 ? row : row.slice(5))).join('')).toBe(stripEscapeCodes(line));
  });

  it('leaves a line that fits as it is', () => {
    expect(foldToWidth('short', 80, 5)).toEqual(['short']);
  });
});
