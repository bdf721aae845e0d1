import { describe, expect, it } from 'vitest';
import { parseFileBlocks } from './file-blocks.js';

describe('parseFileBlocks', () => {
  it('reads files and deletions in order', () => {
    const response = [
      'Here is the implementation.',
      '',
      '### File: src/add.ts',
      '```ts',
      'export function add(a: number, b: number): number {',
      '  return a + b;',
      '}',
      '```',
      '',
      '### Delete: src/old.ts',
      '',
      '### File: src/add.test.ts',
      '',
      '~~~typescript title="x"',
      "import { add } from './add.js';",
      '~~~',
    ].join('\n');

    expect(parseFileBlocks(response)).toEqual({
      operations: [
        { kind: 'write', path: 'src/add.ts', content: 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' },
        { kind: 'delete', path: 'src/old.ts' },
        { kind: 'write', path: 'src/add.test.ts', content: "import { add } from './add.js';\n" },
      ],
      problems: [],
    });
  });

  it('keeps shorter inner fences and headings inside a longer fence as content', () => {
    const inner = ['# Guide', '', '```bash', 'npm test', '```', '', '### File: not/an/operation.ts', '~~~', 'tilde', '~~~'];
    const response = ['### File: docs/guide.md', '````markdown', ...inner, '````'].join('\n');

    const parsed = parseFileBlocks(response);

    expect(parsed.problems).toEqual([]);
    expect(parsed.operations).toEqual([{ kind: 'write', path: 'docs/guide.md', content: `${inner.join('\n')}\n` }]);
  });

  it('closes a fence only with the same character, at least as long, and nothing after it', () => {
    const response = ['### File: a.md', '~~~~', '~~~', '```', '~~~~ not a close', '~~~~~'].join('\n');
    expect(parseFileBlocks(response).operations).toEqual([{ kind: 'write', path: 'a.md', content: '~~~\n```\n~~~~ not a close\n' }]);
  });

  it('ignores headings inside code blocks that belong to no File heading', () => {
    const response = ['Example of the format:', '```', '### File: example.ts', '```', '', '### Delete: real.ts'].join('\n');
    expect(parseFileBlocks(response)).toEqual({ operations: [{ kind: 'delete', path: 'real.ts' }], problems: [] });
  });

  it('handles CRLF line endings, empty files, indented fences and decorated paths', () => {
    const response = '### File: `pkg/__init__.py`\r\n```python\r\n```\r\n## File: "b.py"\r\n  ```\r\n  x = 1\r\n    y = 2\r\n  ```\r\n';
    expect(parseFileBlocks(response).operations).toEqual([
      { kind: 'write', path: 'pkg/__init__.py', content: '' },
      { kind: 'write', path: 'b.py', content: 'x = 1\n  y = 2\n' },
    ]);
  });

  it('reports a File heading without a code block', () => {
    const response = ['### File: src/a.ts', 'Some prose instead of code.', '', '### File: src/b.ts', '```', 'b', '```'].join('\n');

    const parsed = parseFileBlocks(response);

    expect(parsed.operations).toEqual([{ kind: 'write', path: 'src/b.ts', content: 'b\n' }]);
    expect(parsed.problems).toEqual([{ line: 1, message: '"### File: src/a.ts" is not followed by a fenced code block' }]);
  });

  it('reports a File heading at the end of the response', () => {
    expect(parseFileBlocks('### File: last.ts\n\n').problems).toHaveLength(1);
  });

  it('reports empty paths and skips their code block', () => {
    const response = ['### File:   ', '```', '### Delete: inside.ts', '```', '### Delete: ``'].join('\n');

    const parsed = parseFileBlocks(response);

    expect(parsed.operations).toEqual([]);
    expect(parsed.problems.map((problem) => problem.line)).toEqual([1, 5]);
    expect(parsed.problems[0]!.message).toMatch(/names no path/);
  });

  it('refuses a code block that is never closed', () => {
    const parsed = parseFileBlocks(['### File: cut.ts', '```ts', 'export const half ='].join('\n'));
    expect(parsed.operations).toEqual([]);
    expect(parsed.problems).toEqual([{ line: 1, message: 'the code block of "cut.ts" is not closed (was the response cut off?)' }]);
  });

  it('keeps only the last operation for a path given twice, and says so', () => {
    const response = ['### File: a.ts', '```', 'one', '```', '### File: a.ts', '```', 'two', '```'].join('\n');
    const parsed = parseFileBlocks(response);
    expect(parsed.operations).toEqual([{ kind: 'write', path: 'a.ts', content: 'two\n' }]);
    expect(parsed.problems).toEqual([{ line: 1, message: '"a.ts" appears more than once; only its last block is used' }]);
  });

  it('finds nothing in a response without headings', () => {
    expect(parseFileBlocks('I could not do it.\n```\ncode\n```')).toEqual({ operations: [], problems: [] });
  });
});
