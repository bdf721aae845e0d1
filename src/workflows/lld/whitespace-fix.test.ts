import { describe, expect, it } from 'vitest';
import { fixWhitespace } from './whitespace-fix.js';

describe('fixWhitespace', () => {
  it('leaves a clean document alone', () => {
    const markdown = '# 7 - T\n\n## 1. Context\n\nText.\n';
    expect(fixWhitespace(markdown)).toEqual({ document: markdown, fixes: [] });
  });

  it('removes trailing spaces and tabs and counts the lines', () => {
    expect(fixWhitespace('# 7 - T  \n\nText \t\nMore.\n')).toEqual({
      document: '# 7 - T\n\nText\nMore.\n',
      fixes: [{ kind: 'whitespace', detail: 'trailing spaces on 2 lines' }],
    });
    expect(fixWhitespace('# 7 - T\n\nText \n').fixes[0]?.detail).toBe('trailing spaces on 1 line');
  });

  it('collapses runs of blank lines to one', () => {
    expect(fixWhitespace('# T\n\n\n\nA\n\n\nB\n')).toEqual({
      document: '# T\n\nA\n\nB\n',
      fixes: [{ kind: 'whitespace', detail: '2 runs of blank lines' }],
    });
  });

  it('turns Windows line ends into LF', () => {
    expect(fixWhitespace('# T\r\n\r\nA\r\n')).toEqual({
      document: '# T\n\nA\n',
      fixes: [{ kind: 'whitespace', detail: 'Windows line ends' }],
    });
  });

  it('drops blank lines at either end and ends the document with one newline', () => {
    expect(fixWhitespace('\n# T\n\nA\n\n')).toEqual({
      document: '# T\n\nA\n',
      fixes: [{ kind: 'whitespace', detail: 'blank lines at the start or end' }],
    });
    expect(fixWhitespace('# T\n\nA')).toEqual({
      document: '# T\n\nA\n',
      fixes: [{ kind: 'whitespace', detail: 'blank lines at the start or end' }],
    });
  });

  it('lists every kind of problem in one fix', () => {
    expect(fixWhitespace('# T \r\n\r\n\r\n\r\nA\r\n').fixes).toEqual([
      { kind: 'whitespace', detail: 'trailing spaces on 1 line, 1 run of blank lines, Windows line ends' },
    ]);
  });

  it('keeps code blocks byte for byte', () => {
    const code = '```python\ndef f():  \n\n\n\n    return 1\t\n```';
    const result = fixWhitespace(`# T\n\n${code}\n\nAfter.  \n`);
    expect(result.document).toBe(`# T\n\n${code}\n\nAfter.\n`);
    expect(result.fixes).toEqual([{ kind: 'whitespace', detail: 'trailing spaces on 1 line' }]);
  });

  it('keeps a clean document with whitespace inside a code block unchanged', () => {
    const markdown = '# T\n\n~~~\nkeep   \n\n\n~~~\n';
    expect(fixWhitespace(markdown)).toEqual({ document: markdown, fixes: [] });
  });

  it('is idempotent', () => {
    const once = fixWhitespace('\r\n# T  \r\n\r\n\r\n```\nx  \n```\n\n\n');
    expect(once.fixes).toHaveLength(1);
    expect(fixWhitespace(once.document)).toEqual({ document: once.document, fixes: [] });
  });
});
