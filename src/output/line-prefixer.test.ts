import { describe, expect, it } from 'vitest';
import { LinePrefixer } from './line-prefixer.js';

function collect(prefix = '[a] '): { prefixer: LinePrefixer; lines: string[] } {
  const lines: string[] = [];
  return { prefixer: new LinePrefixer(prefix, (line) => lines.push(line)), lines };
}

describe('LinePrefixer', () => {
  it('prefixes every line of multi-line text', () => {
    const { prefixer, lines } = collect();
    prefixer.write('one\ntwo\nthree\n');
    expect(lines).toEqual(['[a] one', '[a] two', '[a] three']);
  });

  it('holds a partial line until its newline arrives, across several writes', () => {
    const { prefixer, lines } = collect();
    prefixer.write('hel');
    prefixer.write('lo wo');
    expect(lines).toEqual([]);
    expect(prefixer.hasPending).toBe(true);
    prefixer.write('rld\nnext');
    expect(lines).toEqual(['[a] hello world']);
    prefixer.write('\n');
    expect(lines).toEqual(['[a] hello world', '[a] next']);
    expect(prefixer.hasPending).toBe(false);
  });

  it('treats CRLF as one line end, also when split between writes', () => {
    const { prefixer, lines } = collect();
    prefixer.write('first\r\nsecond\r');
    prefixer.write('\nthird\r\n');
    expect(lines).toEqual(['[a] first', '[a] second', '[a] third']);
  });

  it('keeps empty lines as prefixed empty lines', () => {
    const { prefixer, lines } = collect();
    prefixer.write('a\n\nb\n');
    expect(lines).toEqual(['[a] a', '[a] ', '[a] b']);
  });

  it('flush emits the pending partial line with the prefix, once', () => {
    const { prefixer, lines } = collect();
    prefixer.write('done\nno newline at the end\r');
    prefixer.flush();
    prefixer.flush();
    expect(lines).toEqual(['[a] done', '[a] no newline at the end']);
  });

  it('flush with nothing pending emits nothing', () => {
    const { prefixer, lines } = collect();
    prefixer.write('whole\n');
    prefixer.flush();
    prefixer.write('');
    expect(lines).toEqual(['[a] whole']);
  });
});
