import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allowedPaths,
  allowedPatterns,
  applyFileOperations,
  checkWrite,
  isTestFile,
  type FilesChangedEntry,
  type WritePolicy,
} from './path-policy.js';

const filesChanged: FilesChangedEntry[] = [
  { path: 'src/calc.ts', change: 'modify', description: '' },
  { path: './src\\new.ts', change: 'add', description: '' },
  { path: 'src/old.ts', change: 'delete', description: '' },
  { path: '../outside.ts', change: 'add', description: 'unusable, left out' },
];
const policy: WritePolicy = { allowed: allowedPaths(filesChanged), allowTests: true };

describe('allowedPaths', () => {
  it('normalises 2.1 paths and drops unusable ones', () => {
    expect([...policy.allowed]).toEqual(['src/calc.ts', 'src/new.ts', 'src/old.ts']);
  });
});

describe('glob rows', () => {
  const entries: FilesChangedEntry[] = [
    { path: 'agentos/nodes/*.py', change: 'modify', description: 'every node' },
    { path: 'docs/**/*.md', change: 'modify', description: '' },
    { path: 'app/[id]/page.tsx', change: 'add', description: 'brackets are part of the name' },
  ];
  const globPolicy: WritePolicy = { allowed: allowedPaths(entries), patterns: allowedPatterns(entries), allowTests: false };

  it('keeps globs apart from exact paths', () => {
    expect([...globPolicy.allowed]).toEqual(['app/[id]/page.tsx']);
    expect(globPolicy.patterns).toEqual(['agentos/nodes/*.py', 'docs/**/*.md']);
  });

  it.each(['agentos/nodes/a.py', 'docs/x.md', 'docs/guide/deep/y.md', 'app/[id]/page.tsx'])('allows %s', (path) => {
    expect(checkWrite(path, globPolicy).ok).toBe(true);
  });

  it.each(['agentos/nodes/sub/a.py', 'agentos/other.py', 'app/i/page.tsx', 'docs/../.git/config'])('refuses %s', (path) => {
    expect(checkWrite(path, globPolicy).ok).toBe(false);
  });

  it('never lets a glob reach git data or lldflow state', () => {
    const everything: WritePolicy = { allowed: new Set(), patterns: ['**'], allowTests: false };
    expect(checkWrite('src/a.ts', everything).ok).toBe(true);
    expect(checkWrite('.git/config', everything).ok).toBe(false);
    expect(checkWrite('.lldflow/checkpoints/x.sqlite', everything).ok).toBe(false);
  });
});

describe('checkWrite', () => {
  it.each([
    ['src/calc.ts', 'src/calc.ts'],
    ['./src/calc.ts', 'src/calc.ts'],
    ['src\\new.ts', 'src/new.ts'],
    ['src/lib/../calc.ts', 'src/calc.ts'],
    ['src//calc.ts', 'src/calc.ts'],
  ])('allows %s listed in 2.1 as %s', (path, relativePath) => {
    expect(checkWrite(path, policy)).toEqual({ ok: true, relativePath });
  });

  it.each([
    ['../x', /outside the worktree/],
    ['a/../../x', /outside the worktree/],
    ['src/../../../etc/passwd', /outside the worktree/],
    ['..\\..\\x', /outside the worktree/],
    ['/etc/passwd', /absolute/],
    ['\\\\server\\share\\x', /absolute/],
    ['C:\\x', /drive-letter/],
    ['c:x', /drive-letter/],
    ['.git/config', /git's own data/],
    ['.GIT/hooks/pre-commit', /git's own data/],
    ['vendor/lib/.git/config', /git's own data/],
    ['.lldflow/checkpoints/x.sqlite', /lldflow's local state/],
    ['src/other.ts', /not listed in the LLD's section 2.1/],
    ['', /empty/],
    ['.', /worktree itself/],
    ['src/', /folder/],
    ['a\0b', /NUL/],
  ])('refuses %s', (path, reason) => {
    const decision = checkWrite(path, policy);
    expect(decision.ok).toBe(false);
    expect(decision.ok ? '' : decision.reason).toMatch(reason);
  });

  it('allows test files not in 2.1 only when tests are allowed', () => {
    expect(checkWrite('test/calc.test.ts', policy)).toEqual({ ok: true, relativePath: 'test/calc.test.ts' });
    expect(checkWrite('tests/test_calc.py', policy)).toEqual({ ok: true, relativePath: 'tests/test_calc.py' });
    const strict = { ...policy, allowTests: false };
    expect(checkWrite('test/calc.test.ts', strict).ok).toBe(false);
    expect(checkWrite('src/calc.ts', strict).ok).toBe(true);
    // A test-looking path is still refused when it escapes or touches git.
    expect(checkWrite('../tests/x.test.ts', policy).ok).toBe(false);
    expect(checkWrite('.git/tests/x.test.ts', policy).ok).toBe(false);
  });
});

describe('isTestFile', () => {
  it.each([
    'test/helpers.ts',
    'tests/data/sample.json',
    'packages/core/__tests__/a.js',
    'src/calc.test.ts',
    'src/calc.spec.tsx',
    'test_calc.py',
    'pkg/calc_test.py',
    'calc/calc_test.go',
    'tests/conftest.py',
  ])('recognises %s', (path) => {
    expect(isTestFile(path)).toBe(true);
  });

  it.each(['src/calc.ts', 'src/testing.ts', 'latest/a.ts', 'contest.py', 'src/test_helpers.ts', 'attest.go'])(
    'does not take %s for a test',
    (path) => {
      expect(isTestFile(path)).toBe(false);
    },
  );
});

describe('applyFileOperations', () => {
  let base: string;
  let worktree: string;
  let outside: string;

  beforeEach(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'lldflow-policy-')));
    worktree = join(base, 'worktree');
    outside = join(base, 'outside');
    await mkdir(join(worktree, 'src'), { recursive: true });
    await mkdir(join(worktree, '.git'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(worktree, 'src', 'old.ts'), 'old\n');
    await writeFile(join(worktree, '.git', 'config'), '[core]\n');
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  async function listing(folder: string): Promise<string[]> {
    const entries = await readdir(folder, { recursive: true });
    return entries.map(String).sort();
  }

  it('writes and deletes allowed files, creating folders', async () => {
    const result = await applyFileOperations(
      worktree,
      [
        { kind: 'write', path: 'src/calc.ts', content: 'export const calc = 1;\n' },
        { kind: 'write', path: 'test/deep/calc.test.ts', content: 'test\n' },
        { kind: 'delete', path: 'src/old.ts' },
      ],
      policy,
    );

    expect(result).toEqual({ written: ['src/calc.ts', 'test/deep/calc.test.ts'], deleted: ['src/old.ts'], refused: [] });
    expect(await readFile(join(worktree, 'src', 'calc.ts'), 'utf8')).toBe('export const calc = 1;\n');
    expect(await readFile(join(worktree, 'test', 'deep', 'calc.test.ts'), 'utf8')).toBe('test\n');
    expect(await listing(join(worktree, 'src'))).toEqual(['calc.ts']);
  });

  it('writes nothing at all for refused paths', async () => {
    const before = await listing(base);
    const gitConfig = await readFile(join(worktree, '.git', 'config'), 'utf8');

    const result = await applyFileOperations(
      worktree,
      [
        { kind: 'write', path: '../outside/escaped.ts', content: 'x' },
        { kind: 'write', path: 'src/../../outside/escaped2.ts', content: 'x' },
        { kind: 'write', path: join(outside, 'absolute.ts'), content: 'x' },
        { kind: 'write', path: 'C:\\outside\\drive.ts', content: 'x' },
        { kind: 'write', path: '.git/config', content: 'hacked' },
        { kind: 'write', path: '.lldflow/state', content: 'x' },
        { kind: 'write', path: 'src/unlisted.ts', content: 'x' },
        { kind: 'delete', path: '.git/config' },
        { kind: 'delete', path: 'README.md' },
      ],
      policy,
    );

    expect(result.written).toEqual([]);
    expect(result.deleted).toEqual([]);
    expect(result.refused.map((refusal) => refusal.path)).toEqual([
      '../outside/escaped.ts',
      'src/../../outside/escaped2.ts',
      join(outside, 'absolute.ts'),
      'C:\\outside\\drive.ts',
      '.git/config',
      '.lldflow/state',
      'src/unlisted.ts',
      '.git/config',
      'README.md',
    ]);
    expect(await listing(base)).toEqual(before);
    expect(await readFile(join(worktree, '.git', 'config'), 'utf8')).toBe(gitConfig);
  });

  it('refuses a write through a symbolic link that leads outside the worktree', async () => {
    await symlink(outside, join(worktree, 'test'));
    await symlink(join(outside, 'missing'), join(worktree, 'src', 'dangling'));
    await mkdir(join(worktree, 'tests'));
    await symlink(outside, join(worktree, 'tests', 'linked'));

    const result = await applyFileOperations(
      worktree,
      [
        { kind: 'write', path: 'test/escape.test.ts', content: 'x' },
        { kind: 'write', path: 'test/deeper/escape.test.ts', content: 'x' },
        { kind: 'write', path: 'tests/linked/a/b/test_x.py', content: 'x' },
        { kind: 'write', path: 'src/dangling/x.test.ts', content: 'x' },
      ],
      policy,
    );

    expect(result.written).toEqual([]);
    expect(result.refused).toHaveLength(4);
    for (const refusal of result.refused) expect(refusal.reason).toMatch(/symbolic link/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('replaces a symbolic link at the target itself instead of writing through it', async () => {
    await writeFile(join(outside, 'secret.txt'), 'secret\n');
    await symlink(join(outside, 'secret.txt'), join(worktree, 'src', 'calc.ts'));

    const result = await applyFileOperations(worktree, [{ kind: 'write', path: 'src/calc.ts', content: 'mine\n' }], policy);

    expect(result.written).toEqual(['src/calc.ts']);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret\n');
    expect((await lstat(join(worktree, 'src', 'calc.ts'))).isSymbolicLink()).toBe(false);
  });

  it('refuses deleting a file that does not exist or a folder', async () => {
    await mkdir(join(worktree, 'src', 'calc.ts'));
    const result = await applyFileOperations(
      worktree,
      [
        { kind: 'delete', path: 'src/new.ts' },
        { kind: 'write', path: 'src/calc.ts', content: 'x' },
      ],
      policy,
    );
    expect(result.refused.map((refusal) => refusal.reason)).toEqual(['src/new.ts does not exist', 'src/calc.ts is a folder']);
  });
});
