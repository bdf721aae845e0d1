import { describe, expect, it } from 'vitest';
import { applyFixers, renderAutofix, summariseFixes, type AutofixResult } from './autofix.js';

describe('summariseFixes', () => {
  it('names each kind once, in first-seen order, counting repeats', () => {
    const fixes = [
      { kind: 'title number', detail: 'a' },
      { kind: 'heading', detail: 'b' },
      { kind: 'change type', detail: 'c' },
      { kind: 'heading', detail: 'd' },
      { kind: 'change type', detail: 'e' },
    ];
    expect(summariseFixes(fixes)).toBe('title number, 2 headings, 2 change types');
  });

  it('is empty without fixes', () => {
    expect(summariseFixes([])).toBe('');
  });
});

describe('renderAutofix', () => {
  it('lists the fixes, then the fixed document fenced longer than any fence inside it', () => {
    const result: AutofixResult = {
      document: '\n# 7 - T\n\n```js\nx\n```\n\n',
      fixes: [
        { kind: 'heading', detail: '`## 1 Context` → `## 1. Context`' },
        { kind: 'whitespace', detail: 'Windows line ends' },
      ],
    };
    expect(renderAutofix(result)).toBe(
      [
        '# Autofix (no model call)',
        '',
        '- heading: `## 1 Context` → `## 1. Context`',
        '- whitespace: Windows line ends',
        '',
        '## The fixed document',
        '',
        '````markdown',
        '# 7 - T',
        '',
        '```js',
        'x',
        '```',
        '````',
        '',
      ].join('\n'),
    );
  });
});

describe('applyFixers', () => {
  it('runs the fixers in order, each on the previous output, and gathers their fixes', () => {
    const seen: string[] = [];
    const upper = (document: string): AutofixResult => {
      seen.push(document);
      return { document: document.toUpperCase(), fixes: [{ kind: 'case', detail: 'upper' }] };
    };
    const exclaim = (document: string): AutofixResult => {
      seen.push(document);
      return { document: `${document}!`, fixes: [{ kind: 'mark', detail: 'bang' }] };
    };
    const nothing = (document: string): AutofixResult => {
      seen.push(document);
      return { document, fixes: [] };
    };
    expect(applyFixers('abc', [upper, nothing, exclaim])).toEqual({
      document: 'ABC!',
      fixes: [
        { kind: 'case', detail: 'upper' },
        { kind: 'mark', detail: 'bang' },
      ],
    });
    expect(seen).toEqual(['abc', 'ABC', 'ABC']);
  });

  it('returns the document unchanged without fixers', () => {
    expect(applyFixers('abc', [])).toEqual({ document: 'abc', fixes: [] });
  });
});
