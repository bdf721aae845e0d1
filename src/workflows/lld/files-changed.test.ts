import { describe, expect, it } from 'vitest';
import { locateFilesTable, parseFilesChanged } from './files-changed.js';
import { sampleLld } from './testing/sample-lld.js';

describe('parseFilesChanged', () => {
  it('reads the 2.1 table into paths, change types and descriptions', () => {
    const result = parseFilesChanged(sampleLld());
    expect(result.found).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.changes).toEqual([
      { path: 'src/clock/clock.ts', change: 'modify', description: 'Add a monotonic reading', directory: false, glob: false },
      { path: 'src/clock/timer.ts', change: 'add', description: 'Timer built on the clock', directory: false, glob: false },
    ]);
  });

  it('finds columns by name when there are extra or reordered columns', () => {
    const markdown = [
      '## 2. Proposed Changes',
      '### 2.1 Files Changed',
      '| Change Type | Owner | Description | File |',
      '|---|---|---|---|',
      '| Delete | ops | old script | `./tools/old.sh` |',
      '| Add (Directory) | dev | new home | `src/new/` |',
      '| Modify (future) | dev | later | `README.md` (new) |',
    ].join('\n');
    const result = parseFilesChanged(markdown);
    expect(result.errors).toEqual([]);
    expect(result.changes).toEqual([
      { path: 'tools/old.sh', change: 'delete', description: 'old script', directory: false, glob: false },
      { path: 'src/new', change: 'add', description: 'new home', directory: true, glob: false },
      { path: 'README.md', change: 'modify', description: 'later', directory: false, glob: false },
    ]);
  });

  it('reports unknown change types, empty and unsafe paths by row', () => {
    const markdown = sampleLld({
      fileRows: [
        '| `a.ts` | Add/Modify | both |',
        '|  | Add | no path |',
        '| `/etc/passwd` | Modify | absolute |',
        '| `../outside.ts` | Add | escapes |',
        '| `a.ts` or `b.ts` | Modify | two paths |',
        '| `ok.ts` | Add | fine |',
      ],
    });
    const result = parseFilesChanged(markdown);
    expect(result.changes.map((change) => change.path)).toEqual(['ok.ts']);
    const messages = result.errors.map((error) => `${error.row}: ${error.message}`);
    expect(messages).toEqual([
      '1: Row 1 (`a.ts`): unknown change type "Add/Modify": use exactly one of Add, Modify or Delete.',
      '2: Row 2: the path is empty.',
      '3: Row 3 (`/etc/passwd`): `/etc/passwd` is an absolute path; write it relative to the repository root.',
      "4: Row 4 (`../outside.ts`): `../outside.ts` leaves the repository with '..'; write the path from the repository root.",
      '5: Row 5 (`a.ts` or `b.ts`): the File cell must hold exactly one path (one row per file), without other text.',
    ]);
  });

  it('accepts wildcard rows and flags them as globs', () => {
    const result = parseFilesChanged(
      sampleLld({ fileRows: ['| `src/nodes/*.py` | Modify | every node |', '| `tests/**/test_*.py` (various) | Add | new tests |'] }),
    );
    expect(result.errors).toEqual([]);
    expect(result.changes).toEqual([
      { path: 'src/nodes/*.py', change: 'modify', description: 'every node', directory: false, glob: true },
      { path: 'tests/**/test_*.py', change: 'add', description: 'new tests various', directory: false, glob: true },
    ]);
  });

  it('keeps a remark after the path with the description', () => {
    const result = parseFilesChanged(sampleLld({ fileRows: ['| `src/legacy/` (or `src/old/` after #139) | Modify | move helpers |'] }));
    expect(result.errors).toEqual([]);
    expect(result.changes).toEqual([
      { path: 'src/legacy', change: 'modify', description: 'move helpers or `src/old/` after #139', directory: true, glob: false },
    ]);
  });

  it('sets context rows apart from changes', () => {
    const result = parseFilesChanged(
      sampleLld({
        fileRows: [
          '| `src/clock/` | Exists (Directory) | where timers go |',
          '| `src/` | Existing Directory | root |',
          '| `src/clock/clock.ts` | Unchanged | read only |',
          '| `docs/api.md` | Reference | see |',
          '| `src/clock/timer.ts` | Add | new |',
        ],
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.changes.map((change) => change.path)).toEqual(['src/clock/timer.ts']);
    expect(result.context).toEqual([
      { path: 'src/clock', label: 'Exists (Directory)' },
      { path: 'src', label: 'Existing Directory' },
      { path: 'src/clock/clock.ts', label: 'Unchanged' },
      { path: 'docs/api.md', label: 'Reference' },
    ]);
  });

  it('sets rows that describe a set of files apart from changes', () => {
    const result = parseFilesChanged(
      sampleLld({
        fileRows: [
          '| All files importing `src/clock/old.ts` | Update | new import path |',
          '| Any files importing from deprecated paths | Modify | |',
          '| `src/a.ts` | Add | a |',
        ],
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.changes.map((change) => change.path)).toEqual(['src/a.ts']);
    expect(result.described).toEqual([
      { text: 'All files importing `src/clock/old.ts`', change: 'modify', description: 'new import path' },
      { text: 'Any files importing from deprecated paths', change: 'modify', description: '' },
    ]);
  });

  it('accepts change-type synonyms', () => {
    const result = parseFilesChanged(
      sampleLld({ fileRows: ['| `a.ts` | Create | a |', '| `b.ts` | Update | b |', '| `c.ts` | Remove | c |'] }),
    );
    expect(result.errors).toEqual([]);
    expect(result.changes.map((change) => [change.path, change.change])).toEqual([
      ['a.ts', 'add'],
      ['b.ts', 'modify'],
      ['c.ts', 'delete'],
    ]);
  });

  it('merges repeated rows for one path and refuses conflicting change types', () => {
    const result = parseFilesChanged(
      sampleLld({ fileRows: ['| `a.ts` | Modify | first |', '| `a.ts` | Modify | second |', '| `a.ts` | Delete | third |'] }),
    );
    expect(result.changes).toEqual([{ path: 'a.ts', change: 'modify', description: 'first; second', directory: false, glob: false }]);
    expect(result.errors.map((error) => error.message)).toEqual([
      'Row 3 (`a.ts`): `a.ts` is marked Delete here but Modify in row 1; give each path one change type.',
    ]);
  });

  it('reports a missing table', () => {
    const result = parseFilesChanged('# 1 - T\n## 2. Proposed Changes\nNo table here.\n');
    expect(result.found).toBe(false);
    expect(result.errors[0]?.message).toMatch(/No Files Changed table found/);
    expect(result).toMatchObject({ changes: [], context: [], described: [] });
  });

  it('reports a table without rows', () => {
    const result = parseFilesChanged(sampleLld({ fileRows: [] }));
    expect(result.found).toBe(true);
    expect(result.errors.map((error) => error.message)).toEqual([expect.stringMatching(/has no rows/)]);
  });

  it('ignores a table in a code block and takes the real one', () => {
    const markdown = sampleLld().replace(
      '### 2.1 Files Changed',
      '### 2.1 Files Changed\n\n```\n| File | Change Type | Description |\n|---|---|---|\n| `fake.ts` | Add | example |\n```',
    );
    expect(parseFilesChanged(markdown).changes.map((change) => change.path)).toEqual(['src/clock/clock.ts', 'src/clock/timer.ts']);
  });
});

describe('locateFilesTable', () => {
  it('gives the 2.1 table and the offset of the text it was read from', () => {
    const markdown = sampleLld();
    const located = locateFilesTable(markdown);
    expect(located?.table.header).toEqual(['File', 'Change Type', 'Description']);
    const row = located?.table.rows[0];
    expect(row && located ? markdown.slice(located.offset + row.start, located.offset + row.end) : undefined).toBe(
      '| `src/clock/clock.ts` | Modify | Add a monotonic reading |',
    );
  });

  it('falls back to the whole document without section 2, and to nothing without a table', () => {
    const markdown = '# 1 - T\n\n| Path | Action |\n|---|---|\n| `a.ts` | Add |\n';
    expect(locateFilesTable(markdown)).toMatchObject({ offset: 0, table: { header: ['Path', 'Action'] } });
    expect(locateFilesTable('# 1 - T\n\nNo table.\n')).toBeUndefined();
  });
});
