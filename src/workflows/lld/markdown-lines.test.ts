import { describe, expect, it } from 'vitest';
import { atxHeading, isStructural, scanLines } from './markdown-lines.js';

describe('scanLines', () => {
  it('gives offsets that slice back to each line, CRLF included', () => {
    const text = 'a\r\nbb\n\nccc';
    const lines = scanLines(text);
    expect(lines.map((line) => line.text)).toEqual(['a', 'bb', '', 'ccc']);
    expect(lines.map((line) => text.slice(line.start, line.end))).toEqual(['a\r\n', 'bb\n', '\n', 'ccc']);
  });

  it('marks fenced code, fence lines included, and needs a long enough closing fence', () => {
    const text = ['x', '````md', '```', 'inside', '````', 'y', '  ~~~', 'tilde', '  ~~~', 'z'].join('\n');
    expect(scanLines(text).map((line) => line.inCode)).toEqual([false, true, true, true, true, false, true, true, true, false]);
  });

  it('does not open a fence on inline code at a line start', () => {
    expect(scanLines('```inline``` text\n# h').map((line) => line.inCode)).toEqual([false, false]);
  });

  it('marks single-line and multi-line HTML comments', () => {
    const lines = scanLines(['<!-- one -->', '# a', '<!--', '# b', '-->', '# c'].join('\n'));
    expect(lines.map(isStructural)).toEqual([false, true, false, false, false, true]);
  });
});

describe('atxHeading', () => {
  it.each([
    ['# Title', { level: 1, text: 'Title' }],
    ['### 2.1 Files ###', { level: 3, text: '2.1 Files' }],
    ['   ## indented', { level: 2, text: 'indented' }],
    ['##', { level: 2, text: '' }],
  ])('%j', (line, heading) => {
    expect(atxHeading(line)).toEqual(heading);
  });

  it('needs a space after the hashes unless lenient', () => {
    expect(atxHeading('##1. Context')).toBeUndefined();
    expect(atxHeading('##1. Context', false)).toEqual({ level: 2, text: '1. Context' });
  });

  it('is not a heading with four spaces of indentation or seven hashes', () => {
    expect(atxHeading('    # code')).toBeUndefined();
    expect(atxHeading('####### seven')).toBeUndefined();
  });
});
