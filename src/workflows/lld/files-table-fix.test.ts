import { describe, expect, it } from 'vitest';
import { parseFilesChanged } from './files-changed.js';
import { fixFilesTable } from './files-table-fix.js';
import { sampleLld } from './testing/sample-lld.js';

const EXISTING = new Set(['src', 'src/clock', 'src/clock/clock.ts', 'pytest.ini']);
const pathExists = (path: string): boolean => EXISTING.has(path);

describe('fixFilesTable', () => {
  it('leaves a table already in canonical form alone', () => {
    const markdown = sampleLld();
    expect(fixFilesTable(markdown, pathExists)).toEqual({ document: markdown, fixes: [] });
  });

  it('leaves a document without a Files Changed table alone', () => {
    const markdown = '# 7 - T\n\n## 2. Proposed Changes\n\nNo table.\n';
    expect(fixFilesTable(markdown, pathExists)).toEqual({ document: markdown, fixes: [] });
  });

  it.each([
    ['Create', 'Add'],
    ['New', 'Add'],
    ['Added', 'Add'],
    ['add', 'Add'],
    ['Update', 'Modify'],
    ['Edit', 'Modify'],
    ['Modified', 'Modify'],
    ['Change', 'Modify'],
    ['**Modify**', 'Modify'],
    ['Remove', 'Delete'],
    ['Deleted', 'Delete'],
  ])('writes %j as %j', (word, canonical) => {
    const result = fixFilesTable(sampleLld({ fileRows: [`| \`src/clock/clock.ts\` | ${word} | The clock |`] }), pathExists);
    expect(result.document).toBe(sampleLld({ fileRows: [`| \`src/clock/clock.ts\` | ${canonical} | The clock |`] }));
    expect(result.fixes).toEqual([{ kind: 'change type', detail: `\`src/clock/clock.ts\`: \`${word}\` → \`${canonical}\`` }]);
  });

  it('keeps a qualifier other than the directory one', () => {
    const result = fixFilesTable(sampleLld({ fileRows: ['| `src/clock/clock.ts` | Update (later) | x |'] }), pathExists);
    expect(result.document).toBe(sampleLld({ fileRows: ['| `src/clock/clock.ts` | Modify (later) | x |'] }));
  });

  it('turns Add (Directory) into Add and marks the path as a folder', () => {
    const result = fixFilesTable(
      sampleLld({ fileRows: ['| `src/timers` | Add (Directory) | New home |', '| `src/alarms/` | Add (Directory) | Another |'] }),
      pathExists,
    );
    expect(result.document).toBe(sampleLld({ fileRows: ['| `src/timers/` | Add | New home |', '| `src/alarms/` | Add | Another |'] }));
    expect(result.fixes).toEqual([
      { kind: 'change type', detail: '`src/timers`: `Add (Directory)` → `Add` (the path marked as a folder)' },
      { kind: 'change type', detail: '`src/alarms/`: `Add (Directory)` → `Add`' },
    ]);
    expect(parseFilesChanged(result.document).changes.map((change) => [change.path, change.directory])).toEqual([
      ['src/timers', true],
      ['src/alarms', true],
    ]);
  });

  it.each(['src/timers', '**`src/timers`**', '`src/timers` (new)'])(
    'keeps a folder row a folder when the path cell %s cannot carry the mark',
    (cell) => {
      const result = fixFilesTable(sampleLld({ fileRows: [`| ${cell} | add (directory) | New home |`] }), pathExists);
      expect(result.document).toBe(sampleLld({ fileRows: [`| ${cell} | Add (Directory) | New home |`] }));
      expect(parseFilesChanged(result.document).changes.map((change) => [change.path, change.directory])).toEqual([['src/timers', true]]);
    },
  );

  it("lists a row's fixes in the order they were made", () => {
    const result = fixFilesTable(sampleLld({ fileRows: ['| `pytest.ini` or `pyproject.toml` | Update | markers |'] }), pathExists);
    expect(result.fixes.map((fix) => fix.kind)).toEqual(['path choice', 'change type']);
    expect(result.document).toBe(sampleLld({ fileRows: ['| `pytest.ini` | Modify | markers |'] }));
  });

  it('chooses Modify for Add/Modify when the path exists, else Add', () => {
    const rows = [
      '| `src/clock/clock.ts` | Add/Modify | exists |',
      '| `src/clock/timer.ts` | Add/Modify | new |',
      '| `src/clock/alarm.ts` | Create or Update | new |',
    ];
    const result = fixFilesTable(sampleLld({ fileRows: rows }), pathExists);
    expect(result.document).toBe(
      sampleLld({
        fileRows: [
          '| `src/clock/clock.ts` | Modify | exists |',
          '| `src/clock/timer.ts` | Add | new |',
          '| `src/clock/alarm.ts` | Add | new |',
        ],
      }),
    );
    expect(result.fixes.map((fix) => fix.detail)).toEqual([
      '`src/clock/clock.ts`: `Add/Modify` → `Modify`',
      '`src/clock/timer.ts`: `Add/Modify` → `Add`',
      '`src/clock/alarm.ts`: `Create or Update` → `Add`',
    ]);
  });

  it('leaves other pairs of change words alone', () => {
    const markdown = sampleLld({ fileRows: ['| `src/clock/clock.ts` | Modify/Delete | ? |'] });
    expect(fixFilesTable(markdown, pathExists)).toEqual({ document: markdown, fixes: [] });
  });

  it('takes the one of two paths that exists', () => {
    const result = fixFilesTable(sampleLld({ fileRows: ['| `pytest.ini` or `pyproject.toml` | Modify | Test settings |'] }), pathExists);
    expect(result.document).toBe(sampleLld({ fileRows: ['| `pytest.ini` | Modify | Test settings |'] }));
    expect(result.fixes).toEqual([
      { kind: 'path choice', detail: '`pytest.ini` or `pyproject.toml` → `pytest.ini` (the one that exists)' },
    ]);
    expect(parseFilesChanged(result.document).errors).toEqual([]);
  });

  it.each([
    ['neither exists', '| `setup.cfg` or `pyproject.toml` | Modify | Test settings |'],
    ['both exist', '| `pytest.ini` or `src/clock/clock.ts` | Modify | Both |'],
    ['one is a glob', '| `pytest.ini` or `src/*.ini` | Modify | Glob |'],
  ])('leaves two paths alone when %s', (_case, row) => {
    const markdown = sampleLld({ fileRows: [row] });
    expect(fixFilesTable(markdown, pathExists)).toEqual({ document: markdown, fixes: [] });
    expect(parseFilesChanged(markdown).errors).toHaveLength(1);
  });

  it('chooses the path and the change type in the same row', () => {
    const result = fixFilesTable(sampleLld({ fileRows: ['| `pytest.ini` or `pyproject.toml` | Add/Modify | Settings |'] }), pathExists);
    expect(result.document).toBe(sampleLld({ fileRows: ['| `pytest.ini` | Modify | Settings |'] }));
    expect(result.fixes.map((fix) => fix.kind).sort()).toEqual(['change type', 'path choice']);
  });

  it('chooses the path of a context row without touching its label', () => {
    const result = fixFilesTable(sampleLld({ fileRows: ['| `pytest.ini` or `pyproject.toml` | Exists | Settings |'] }), pathExists);
    expect(result.document).toBe(sampleLld({ fileRows: ['| `pytest.ini` | Exists | Settings |'] }));
  });

  it('leaves context rows and unknown words as they are', () => {
    const rows = [
      '| `src/clock/` | Exists (Directory) | Where timers go |',
      '| `src/clock/clock.ts` | Unchanged | Read |',
      '| `src/x.ts` | Rename | ? |',
      '| `src/y.ts` |  | ? |',
    ];
    const markdown = sampleLld({ fileRows: rows });
    expect(fixFilesTable(markdown, pathExists)).toEqual({ document: markdown, fixes: [] });
  });

  it('rewrites only the changed rows and keeps pipes in the description', () => {
    const rows = ['| `src/clock/clock.ts` | update | handles `a | b` and a\\|b |', '|`src/clock/timer.ts`|Add|untouched spacing|'];
    const result = fixFilesTable(sampleLld({ fileRows: rows }), pathExists);
    expect(result.document).toBe(sampleLld({ fileRows: ['| `src/clock/clock.ts` | Modify | handles `a | b` and a\\|b |', rows[1] ?? ''] }));
  });

  it('fixes only the 2.1 table, not other tables with file columns', () => {
    const markdown = sampleLld({ fileRows: ['| `src/clock/clock.ts` | Update | x |'] }).replace(
      'Content of section 3.',
      '| File | Change Type |\n|---|---|\n| `other.ts` | Update |',
    );
    const result = fixFilesTable(markdown, pathExists);
    expect(result.fixes).toHaveLength(1);
    expect(result.document).toContain('| `other.ts` | Update |');
    expect(result.document).toContain('| `src/clock/clock.ts` | Modify | x |');
  });

  it('is idempotent', () => {
    const rows = [
      '| `src/clock/clock.ts` | Update | a |',
      '| `src/new` | Add (Directory) | b |',
      '| `pytest.ini` or `tox.ini` | Add/Modify | c |',
    ];
    const once = fixFilesTable(sampleLld({ fileRows: rows }), pathExists);
    expect(once.fixes).toHaveLength(4);
    expect(fixFilesTable(once.document, pathExists)).toEqual({ document: once.document, fixes: [] });
  });
});
