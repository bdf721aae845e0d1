import { describe, expect, it } from 'vitest';
import { canonicalWord, parseChangeCell, type ChangeType } from './change-type.js';

describe('parseChangeCell', () => {
  it.each<[string, ChangeType]>([
    ['Add', 'add'],
    ['add', 'add'],
    ['Added', 'add'],
    ['New', 'add'],
    ['Create', 'add'],
    ['Created', 'add'],
    ['Modify', 'modify'],
    ['**Modify**', 'modify'],
    ['`Modify`', 'modify'],
    ['Update', 'modify'],
    ['Updated', 'modify'],
    ['Edit', 'modify'],
    ['Modified', 'modify'],
    ['Change', 'modify'],
    ['delete', 'delete'],
    ['Deleted', 'delete'],
    ['Remove', 'delete'],
    ['Removed', 'delete'],
  ])('%j is the change %s, written canonically', (cell, change) => {
    expect(parseChangeCell(cell)).toEqual({ ok: true, kind: 'change', change, directory: false, canonical: canonicalWord(change) });
  });

  it.each(['Add (Directory)', 'Add (directory)', 'Add (dir)', 'Create (folder)'])(
    '%j is an added directory, canonically plain Add',
    (cell) => {
      expect(parseChangeCell(cell)).toEqual({ ok: true, kind: 'change', change: 'add', directory: true, canonical: 'Add' });
    },
  );

  it('keeps qualifiers other than the directory one in the canonical form', () => {
    expect(parseChangeCell('Modify (future)')).toEqual({
      ok: true,
      kind: 'change',
      change: 'modify',
      directory: false,
      canonical: 'Modify (future)',
    });
    expect(parseChangeCell('create (Directory) (later)')).toEqual({
      ok: true,
      kind: 'change',
      change: 'add',
      directory: true,
      canonical: 'Add (later)',
    });
  });

  it.each(['Exists', 'Existing Directory', 'Exists (Directory)', 'Unchanged', 'Reference', 'Read-only', '**Exists**'])(
    '%j is a context row, not a change',
    (cell) => {
      const parsed = parseChangeCell(cell);
      expect(parsed).toMatchObject({ ok: true, kind: 'context' });
      expect(parsed.ok && parsed.kind === 'context' ? parsed.label : undefined).toBe(cell.replace(/\*/g, ''));
    },
  );

  it.each([
    ['Rename', 'unknown change type "Rename": use exactly one of Add, Modify or Delete.'],
    ['Add/Modify', 'unknown change type "Add/Modify": use exactly one of Add, Modify or Delete.'],
    ['Move', 'unknown change type "Move": use exactly one of Add, Modify or Delete.'],
    ['', 'an empty change type: use exactly one of Add, Modify or Delete.'],
    ['  ', 'an empty change type: use exactly one of Add, Modify or Delete.'],
  ])('refuses %j', (cell, reason) => {
    expect(parseChangeCell(cell)).toEqual({ ok: false, reason });
  });
});

describe('canonicalWord', () => {
  it('capitalises the change', () => {
    expect((['add', 'modify', 'delete'] as const).map((change) => canonicalWord(change))).toEqual(['Add', 'Modify', 'Delete']);
  });
});
