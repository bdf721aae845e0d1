import { describe, expect, it } from 'vitest';
import { globBase, globMatcher, isGlob, normalisePath, parsePathCell } from './path-cell.js';

describe('parsePathCell', () => {
  it.each([
    ['`src/a.ts`', 'src/a.ts'],
    ['src/a.ts', 'src/a.ts'],
    ['`./src//./a.ts`', 'src/a.ts'],
    ['`src\\win\\a.ts`', 'src/win/a.ts'],
    ['**`src/a.ts`**', 'src/a.ts'],
    ['[src/a.ts](src/a.ts)', 'src/a.ts'],
    ['`src/a.ts` (new)', 'src/a.ts'],
    ['`src/a.ts` (Added)', 'src/a.ts'],
    ['`app/[id]/page.tsx`', 'app/[id]/page.tsx'],
    ['`app/(auth)/layout.tsx`', 'app/(auth)/layout.tsx'],
  ])('%s is the file %s', (cell, path) => {
    expect(parsePathCell(cell)).toEqual({ ok: true, kind: 'path', path, directory: false, glob: false, note: '' });
  });

  it('marks a trailing slash as a directory and drops the slash', () => {
    expect(parsePathCell('`src/new/`')).toEqual({ ok: true, kind: 'path', path: 'src/new', directory: true, glob: false, note: '' });
  });

  it('keeps a trailing parenthetical remark as a note', () => {
    expect(parsePathCell('`src/legacy/` (or `src/old/` after #139)')).toEqual({
      ok: true,
      kind: 'path',
      path: 'src/legacy',
      directory: true,
      glob: false,
      note: 'or `src/old/` after #139',
    });
    expect(parsePathCell('`src/nodes/*.py` (various)')).toEqual({
      ok: true,
      kind: 'path',
      path: 'src/nodes/*.py',
      directory: false,
      glob: true,
      note: 'various',
    });
  });

  it('accepts a glob and flags it', () => {
    expect(parsePathCell('`src/**/*.test.ts`')).toMatchObject({ ok: true, kind: 'path', path: 'src/**/*.test.ts', glob: true });
  });

  it.each([
    'All files importing `src/old.ts`',
    'Any files importing from deprecated paths',
    'Every test module',
    'Other callers of `run()`',
  ])('%j describes a set of files', (cell) => {
    expect(parsePathCell(cell)).toEqual({ ok: true, kind: 'described', text: cell });
  });

  it.each(['`a.ts` or `b.ts`', '`a.ts` `b.ts`', '`a.ts` and the tests'])('refuses two paths or extra text: %j', (cell) => {
    expect(parsePathCell(cell)).toEqual({
      ok: false,
      reason: 'the File cell must hold exactly one path (one row per file), without other text.',
    });
  });

  it('refuses prose that is neither a path nor a described set', () => {
    expect(parsePathCell('the config file')).toEqual({
      ok: false,
      reason: 'the File cell must hold one path in backticks, e.g. `src/feature.ts`, without other text.',
    });
  });

  it('refuses an empty cell', () => {
    expect(parsePathCell('  ')).toEqual({ ok: false, reason: 'the path is empty.' });
  });

  it.each([
    ['`/etc/passwd`', '`/etc/passwd` is an absolute path; write it relative to the repository root.'],
    ['`~/notes.md`', '`~/notes.md` is an absolute path; write it relative to the repository root.'],
    ['`C:/repo/a.ts`', '`C:/repo/a.ts` is an absolute path; write it relative to the repository root.'],
    ['`../outside.ts`', "`../outside.ts` leaves the repository with '..'; write the path from the repository root."],
  ])('refuses %s', (cell, reason) => {
    expect(parsePathCell(cell)).toEqual({ ok: false, reason });
  });
});

describe('normalisePath', () => {
  it('returns the repository-relative form', () => {
    expect(normalisePath('./src//a.ts')).toEqual({ ok: true, path: 'src/a.ts', directory: false, glob: false });
    expect(normalisePath('src\\new\\')).toEqual({ ok: true, path: 'src/new', directory: true, glob: false });
    expect(normalisePath('src/*.ts')).toEqual({ ok: true, path: 'src/*.ts', directory: false, glob: true });
  });

  it.each(['/x', '\\x', '~/x', '~', 'C:/x.ts', 'D:\\x.ts', 'c:x', 'a/../../x', '..', '.', './', ''])('refuses %j', (raw) => {
    expect(normalisePath(raw).ok).toBe(false);
  });
});

describe('isGlob', () => {
  it.each(['src/*.ts', 'src/**', 'src/**/x.ts', 'src/?.ts'])('%s is a glob', (path) => {
    expect(isGlob(path)).toBe(true);
  });

  it.each(['src/a.ts', 'app/[id]/page.tsx', 'app/(auth)/layout.tsx', 'src/{a,b}.ts', 'src/+page.svelte', 'src/!x.ts'])(
    '%s is not a glob',
    (path) => {
      expect(isGlob(path)).toBe(false);
    },
  );
});

describe('globBase', () => {
  it.each([
    ['src/nodes/*.py', 'src/nodes'],
    ['src/**/x.ts', 'src'],
    ['src/a*/b.ts', 'src'],
    ['*.md', ''],
    ['src/a/b.ts', 'src/a'],
  ])('%s starts in %j', (pattern, base) => {
    expect(globBase(pattern)).toBe(base);
  });
});

describe('globMatcher', () => {
  it('keeps * inside one folder', () => {
    const matches = globMatcher('src/*.ts');
    expect(matches('src/a.ts')).toBe(true);
    expect(matches('src/deep/a.ts')).toBe(false);
    expect(matches('lib/a.ts')).toBe(false);
  });

  it('lets ** cross folders', () => {
    const matches = globMatcher('src/**/*.ts');
    expect(matches('src/a.ts')).toBe(true);
    expect(matches('src/x/y/a.ts')).toBe(true);
    expect(matches('src/x/a.py')).toBe(false);
  });

  it('? matches one character', () => {
    const matches = globMatcher('src/?.ts');
    expect(matches('src/a.ts')).toBe(true);
    expect(matches('src/ab.ts')).toBe(false);
  });

  it('matches dot files', () => {
    expect(globMatcher('config/*')('config/.env')).toBe(true);
  });

  it('returns a boolean even when called with extra arguments, as Array.prototype.some does', () => {
    expect(['a.ts', 'b.ts', 'c.ts'].some(globMatcher('lib/**'))).toBe(false);
    expect(['a.ts', 'lib/b.ts'].some(globMatcher('lib/**'))).toBe(true);
  });

  it('reads brackets, braces and parentheses literally', () => {
    const brackets = globMatcher('app/[id]/*.tsx');
    expect(brackets('app/[id]/page.tsx')).toBe(true);
    expect(brackets('app/i/page.tsx')).toBe(false);
    const parens = globMatcher('app/(auth)/*.tsx');
    expect(parens('app/(auth)/layout.tsx')).toBe(true);
    expect(parens('app/auth/layout.tsx')).toBe(false);
    const braces = globMatcher('src/{a,b}/*.ts');
    expect(braces('src/{a,b}/x.ts')).toBe(true);
    expect(braces('src/a/x.ts')).toBe(false);
  });
});
