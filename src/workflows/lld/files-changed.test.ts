import { describe, expect, it } from 'vitest';
import { normalisePath, parseChangeCell, parseFilesChanged, parsePathCell } from './files-changed.js';
import { sampleLld } from './testing/sample-lld.js';

describe('parseFilesChanged', () => {
  it('reads the 2.1 table into paths, change types and descriptions', () => {
    const result = parseFilesChanged(sampleLld());
    expect(result.found).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.changes).toEqual([
      { path: 'src/clock/clock.ts', change: 'modify', description: 'Add a monotonic reading', directory: false },
      { path: 'src/clock/timer.ts', change: 'add', description: 'Timer built on the clock', directory: false },
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
      { path: 'tools/old.sh', change: 'delete', description: 'old script', directory: false },
      { path: 'src/new', change: 'add', description: 'new home', directory: true },
      { path: 'README.md', change: 'modify', description: 'later', directory: false },
    ]);
  });

  it('reports unknown change types, empty and unsafe paths by row', () => {
    const markdown = sampleLld({
      fileRows: [
        '| `a.ts` | Add/Modify | both |',
        '|  | Add | no path |',
        '| `/etc/passwd` | Modify | absolute |',
        '| `../outside.ts` | Add | escapes |',
        '| `src/*.ts` | Modify | wildcard |',
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
      '5: Row 5 (`src/*.ts`): `src/*.ts` is a wildcard; list each file on its own row.',
      '6: Row 6 (`a.ts` or `b.ts`): the File cell must hold exactly one path (one row per file), without other text.',
    ]);
  });

  it('merges repeated rows for one path and refuses conflicting change types', () => {
    const result = parseFilesChanged(
      sampleLld({ fileRows: ['| `a.ts` | Modify | first |', '| `a.ts` | Modify | second |', '| `a.ts` | Delete | third |'] }),
    );
    expect(result.changes).toEqual([{ path: 'a.ts', change: 'modify', description: 'first; second', directory: false }]);
    expect(result.errors.map((error) => error.message)).toEqual([
      'Row 3 (`a.ts`): `a.ts` is marked Delete here but Modify in row 1; give each path one change type.',
    ]);
  });

  it('reports a missing table', () => {
    const result = parseFilesChanged('# 1 - T\n## 2. Proposed Changes\nNo table here.\n');
    expect(result.found).toBe(false);
    expect(result.errors[0]?.message).toMatch(/No Files Changed table found/);
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

describe('parsePathCell and normalisePath', () => {
  it.each([
    ['`src/a.ts`', 'src/a.ts'],
    ['src/a.ts', 'src/a.ts'],
    ['`./src//./a.ts`', 'src/a.ts'],
    ['`src\\win\\a.ts`', 'src/win/a.ts'],
    ['**`src/a.ts`**', 'src/a.ts'],
    ['[src/a.ts](src/a.ts)', 'src/a.ts'],
    ['`src/a.ts` (new)', 'src/a.ts'],
  ])('%s → %s', (cell, path) => {
    expect(parsePathCell(cell)).toMatchObject({ ok: true, path });
  });

  it.each(['C:/x.ts', '~/x', '/x', 'a/../../x', '.', ''])('refuses %j', (raw) => {
    expect(normalisePath(raw).ok).toBe(false);
  });
});

describe('parseChangeCell', () => {
  it.each([
    ['Add', 'add'],
    ['**Modify**', 'modify'],
    ['delete', 'delete'],
    ['Create', 'add'],
    ['Update', 'modify'],
    ['Remove', 'delete'],
  ])('%s → %s', (cell, change) => {
    expect(parseChangeCell(cell)).toMatchObject({ ok: true, change });
  });

  it.each(['Existing Directory', 'Add/Modify', '', 'Rename'])('refuses %j', (cell) => {
    expect(parseChangeCell(cell).ok).toBe(false);
  });
});
