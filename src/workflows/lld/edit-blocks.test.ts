import { describe, expect, it } from 'vitest';
import { applyEditBlocks, containsEditBlocks, parseEditBlocks } from './edit-blocks.js';
import type { EditBlock } from './edit-blocks.js';

function block(search: string, replace: string, index = 1): EditBlock {
  return { index, search, replace };
}

describe('parseEditBlocks', () => {
  it('parses blocks and ignores text and fences around them', () => {
    const response = [
      'Here are the changes:',
      '```markdown',
      '<<<<<<< SEARCH',
      'old line',
      '=======',
      'new line',
      '>>>>>>> REPLACE',
      '```',
      '',
      '<<<<< SEARCH',
      'a',
      'b',
      '=====',
      '>>>>>>>>> REPLACE',
    ].join('\n');
    const parsed = parseEditBlocks(response);
    expect(parsed).toEqual({
      ok: true,
      blocks: [
        { index: 1, search: 'old line', replace: 'new line' },
        { index: 2, search: 'a\nb', replace: '' },
      ],
    });
  });

  it('accepts CRLF', () => {
    const parsed = parseEditBlocks('<<<<<<< SEARCH\r\nx\r\ny\r\n=======\r\nz\r\n>>>>>>> REPLACE\r\n');
    expect(parsed).toEqual({ ok: true, blocks: [{ index: 1, search: 'x\ny', replace: 'z' }] });
  });

  it('does not treat 4 or 10 marker characters as markers', () => {
    expect(containsEditBlocks('<<<< SEARCH')).toBe(false);
    expect(containsEditBlocks('<<<<<<<<<< SEARCH')).toBe(false);
    expect(containsEditBlocks('  <<<<<<< SEARCH')).toBe(true);
  });

  it.each([
    ['<<<<<<< SEARCH\nx\n>>>>>>> REPLACE', /Edit block 1 has no "=======" line/],
    ['<<<<<<< SEARCH\nx\n=======\ny', /Edit block 1 is not closed/],
    [
      '<<<<<<< SEARCH\nx\n=======\ny\n<<<<<<< SEARCH\nz\n=======\n>>>>>>> REPLACE',
      /Edit block 1 is not closed with a ">>>>>>> REPLACE" line before the next block/,
    ],
    ['x\n>>>>>>> REPLACE', /without a "<<<<<<< SEARCH" line/],
    ['just prose', /no complete edit block/],
  ])('refuses malformed input %#', (response, reason) => {
    const parsed = parseEditBlocks(response);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe('applyEditBlocks', () => {
  const document = '# 1 - T\n\n## 1. Context\n\nThe timer uses Date.now().\n\n## 2. Changes\n\n  indented line   \n';

  it('replaces an exact match', () => {
    const result = applyEditBlocks(document, [block('uses Date.now()', 'uses the injected clock')]);
    expect(result).toEqual({ ok: true, document: document.replace('uses Date.now()', 'uses the injected clock') });
  });

  it('applies blocks in order, each to the result of the previous ones', () => {
    const result = applyEditBlocks(document, [block('The timer', 'A timer', 1), block('A timer uses', 'A timer reads', 2)]);
    expect(result.ok && result.document).toContain('A timer reads Date.now()');
  });

  it('does not interpret $ patterns in the replacement', () => {
    const result = applyEditBlocks(document, [block('Date.now()', 'cost $& and $1 and $$')]);
    expect(result.ok && result.document).toContain('The timer uses cost $& and $1 and $$.');
  });

  it('falls back to a match that ignores indentation, trailing spaces and re-padding', () => {
    const result = applyEditBlocks(document, [block('\nindented   line\n', 'new line')]);
    expect(result).toEqual({ ok: true, document: document.replace('  indented line   ', 'new line') });
  });

  it('matches a re-padded table row line by line', () => {
    const table = '| A | B |\n|---|---|\n| `x.ts`   | Add |\n';
    const result = applyEditBlocks(table, [block('| `x.ts` | Add |', '| `x.ts` | Modify |')]);
    expect(result).toEqual({ ok: true, document: '| A | B |\n|---|---|\n| `x.ts` | Modify |\n' });
  });

  it('fails on a SEARCH text that matches twice, naming the block', () => {
    const result = applyEditBlocks('a\nsame\nb\nsame\n', [block('b', 'B', 1), block('same', 'other', 2)]);
    expect(result).toEqual({
      ok: false,
      block: 2,
      reason:
        'Edit block 2 of 2 is ambiguous: its SEARCH text (starting "same") occurs 2 times in the document. Include more surrounding lines so it matches exactly once.',
    });
  });

  it('fails on an ambiguous whitespace-tolerant match', () => {
    const result = applyEditBlocks('  x\nx  \n', [block(' x ', 'y')]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/ambiguous: .* matches 2 places/);
  });

  it('fails on a SEARCH text that does not match, naming the block and its first line', () => {
    const blocks = [block('The timer', 'A timer', 1), block('\nnot in the document\nsecond line', 'x', 2)];
    const result = applyEditBlocks(document, blocks);
    expect(result).toEqual({
      ok: false,
      block: 2,
      reason:
        'Edit block 2 of 2 did not match: its SEARCH text (starting "not in the document") is not in the current document. Copy the lines to replace exactly as they are in the document.',
    });
  });

  it('refuses an empty SEARCH part', () => {
    const result = applyEditBlocks(document, [block('  \n', 'appended')]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/empty SEARCH part/);
  });

  it('keeps CRLF documents in CRLF', () => {
    const result = applyEditBlocks('a\r\nb\r\nc\r\n', [block('a\nb', 'x\ny')]);
    expect(result).toEqual({ ok: true, document: 'x\r\ny\r\nc\r\n' });
  });

  it('round-trips with parseEditBlocks', () => {
    const parsed = parseEditBlocks('```\n<<<<<<< SEARCH\n## 2. Changes\n=======\n## 2. Proposed Changes\n>>>>>>> REPLACE\n```');
    if (!parsed.ok) throw new Error(parsed.reason);
    const result = applyEditBlocks(document, parsed.blocks);
    expect(result.ok && result.document).toContain('## 2. Proposed Changes\n');
  });
});
