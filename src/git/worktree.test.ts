import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { startChildHolder } from '../files/testing/child-holder.js';
import { isWorkingTreeClean } from './git.js';
import { createTemporaryRepository, type TemporaryRepository } from './testing/temporary-repository.js';
import { ensureLocalStateExcluded, ensureWorktree, worktreePath } from './worktree.js';

let repository: TemporaryRepository;
beforeEach(async () => {
  repository = await createTemporaryRepository();
});
afterEach(async () => {
  await repository.remove();
});

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('ensureWorktree', () => {
  it('creates .lldflow/worktrees/<id> on branch <id>-implementation from the base ref', async () => {
    const base = await repository.git('rev-parse', 'HEAD');
    await writeFile(join(repository.path, 'later.txt'), 'later\n');
    await repository.git('add', 'later.txt');
    await repository.git('commit', '--quiet', '-m', 'later');

    const worktree = await ensureWorktree({ repo: repository.path, id: '42', baseRef: base });

    expect(worktree).toEqual({ path: join(repository.path, '.lldflow', 'worktrees', '42'), branch: '42-implementation', created: true });
    expect(await repository.git('-C', worktree.path, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('42-implementation');
    expect(await repository.git('-C', worktree.path, 'rev-parse', 'HEAD')).toBe(base);
    expect(await exists(join(worktree.path, 'later.txt'))).toBe(false);
    // The main checkout stays clean: the worktree lives in excluded local state.
    expect(await repository.git('status', '--porcelain')).toBe('');
    expect(await isWorkingTreeClean(repository.path)).toBe(true);
  });

  it('reuses an existing worktree untouched, uncommitted work included', async () => {
    const first = await ensureWorktree({ repo: repository.path, id: 'item-1', baseRef: 'main' });
    await writeFile(join(first.path, 'work-in-progress.ts'), 'export const half = 1;\n');
    await writeFile(join(first.path, 'README.md'), '# edited\n');

    const second = await ensureWorktree({ repo: repository.path, id: 'item-1', baseRef: 'main' });

    expect(second).toEqual({ path: first.path, branch: 'item-1-implementation', created: false });
    expect(await readFile(join(first.path, 'work-in-progress.ts'), 'utf8')).toBe('export const half = 1;\n');
    expect(await readFile(join(first.path, 'README.md'), 'utf8')).toBe('# edited\n');
  });

  it('re-adds the worktree on the existing branch when its folder was deleted', async () => {
    const first = await ensureWorktree({ repo: repository.path, id: '7', baseRef: 'main' });
    await writeFile(join(first.path, 'done.txt'), 'committed earlier\n');
    await repository.git('-C', first.path, 'add', 'done.txt');
    await repository.git('-C', first.path, 'commit', '--quiet', '-m', 'earlier work');
    const branchTip = await repository.git('-C', first.path, 'rev-parse', 'HEAD');
    await rm(first.path, { recursive: true, force: true });

    const again = await ensureWorktree({ repo: repository.path, id: '7', baseRef: 'main' });

    expect(again).toEqual({ path: first.path, branch: '7-implementation', created: false });
    expect(await repository.git('-C', again.path, 'rev-parse', 'HEAD')).toBe(branchTip);
    expect(await readFile(join(again.path, 'done.txt'), 'utf8')).toBe('committed earlier\n');
    const listed = await repository.git('worktree', 'list', '--porcelain');
    expect(listed.split('\n').filter((line) => line === `worktree ${again.path}`)).toHaveLength(1);
  });

  it('re-adds a worktree whose deleted folder was locked', async () => {
    const first = await ensureWorktree({ repo: repository.path, id: 'locked', baseRef: 'main' });
    await repository.git('worktree', 'lock', first.path);
    await rm(first.path, { recursive: true, force: true });

    const again = await ensureWorktree({ repo: repository.path, id: 'locked', baseRef: 'main' });

    expect(again.created).toBe(false);
    expect(await exists(join(again.path, 'README.md'))).toBe(true);
  });

  it('refuses to touch a non-worktree folder in its place', async () => {
    const path = worktreePath(repository.path, 'busy');
    await mkdir(path, { recursive: true });
    await writeFile(join(path, 'precious.txt'), 'keep me');

    await expect(ensureWorktree({ repo: repository.path, id: 'busy', baseRef: 'main' })).rejects.toBeInstanceOf(ConfigurationError);
    expect(await readFile(join(path, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('names an unknown base ref and creates nothing', async () => {
    const failure = await ensureWorktree({ repo: repository.path, id: '9', baseRef: 'nope' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).toContain('"nope"');
    expect(await exists(worktreePath(repository.path, '9'))).toBe(false);
    expect(await repository.git('branch', '--list', '9-implementation')).toBe('');
  });

  it('rejects ids that are not safe path parts', async () => {
    await expect(ensureWorktree({ repo: repository.path, id: '../escape', baseRef: 'main' })).rejects.toBeInstanceOf(UsageError);
    expect(await exists(join(repository.path, '.lldflow', 'escape'))).toBe(false);
  });
});

describe('ensureLocalStateExcluded', () => {
  const excludeFile = (): string => join(repository.path, '.git', 'info', 'exclude');

  it('adds .lldflow/ once, keeping what the file held', async () => {
    await writeFile(excludeFile(), '# mine\n*.swp');

    expect(await ensureLocalStateExcluded(repository.path)).toBe(true);
    expect(await ensureLocalStateExcluded(repository.path)).toBe(false);

    expect(await readFile(excludeFile(), 'utf8')).toBe('# mine\n*.swp\n.lldflow/\n');
    await mkdir(join(repository.path, '.lldflow'), { recursive: true });
    await writeFile(join(repository.path, '.lldflow', 'state'), 'x');
    expect(await repository.git('status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('creates the exclude file when it is missing', async () => {
    await rm(excludeFile(), { force: true });
    expect(await ensureLocalStateExcluded(repository.path)).toBe(true);
    expect(await readFile(excludeFile(), 'utf8')).toBe('.lldflow/\n');
  });

  it('finds the shared exclude file from inside a worktree', async () => {
    const worktree = await ensureWorktree({ repo: repository.path, id: 'w', baseRef: 'main' });
    const before = await readFile(excludeFile(), 'utf8');
    expect(await ensureLocalStateExcluded(worktree.path)).toBe(false);
    expect(await readFile(excludeFile(), 'utf8')).toBe(before);
    expect(before.split('\n').filter((line) => line === '.lldflow/')).toHaveLength(1);
  });
});

describe('ensureWorktree between processes', () => {
  it('waits while another lldflow process holds the repository lock, and goes on once it is killed', async () => {
    const lockModule = fileURLToPath(new URL('../files/exclusive-lock.ts', import.meta.url));
    const holder = await startChildHolder(
      `const { pathToFileURL } = await import('node:url');
const { tryExclusiveLock } = await import(pathToFileURL(${JSON.stringify(lockModule)}).href);
console.log(tryExclusiveLock(process.argv[1]) ? 'ready' : 'busy');
setInterval(() => undefined, 60_000);`,
      [join(repository.path, '.git', 'lldflow.lock')],
    );
    let created = false;
    const pending = ensureWorktree({ repo: repository.path, id: '5', baseRef: 'main' }).then((worktree) => (created = worktree.created));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(created).toBe(false);
      expect(await exists(worktreePath(repository.path, '5'))).toBe(false);
    } finally {
      await holder.kill();
    }
    await pending;
    expect(created).toBe(true);
  });

  it('creates the worktrees of many items at once without a lock error', async () => {
    const ids = ['1', '2', '3', '4', '5', '6'];
    const worktrees = await Promise.all(ids.map((id) => ensureWorktree({ repo: repository.path, id, baseRef: 'main' })));
    expect(worktrees.map((worktree) => worktree.branch)).toEqual(ids.map((id) => `${id}-implementation`));
    expect((await readFile(join(repository.path, '.git', 'info', 'exclude'), 'utf8')).match(/^\.lldflow\/$/gm)).toHaveLength(1);
  });
});
