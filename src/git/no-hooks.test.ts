import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGit } from './git.js';
import { createTemporaryRepository, ISOLATED_GIT_ENV, type TemporaryRepository } from './testing/temporary-repository.js';
import { commitAll, ensureWorktree } from './worktree.js';

/** Hooks a commit, `git add` or `worktree add` would run. */
const HOOKS = [
  'pre-commit',
  'prepare-commit-msg',
  'commit-msg',
  'post-commit',
  'post-checkout',
  'reference-transaction',
  'post-index-change',
] as const;

let repository: TemporaryRepository;
/** Every hook that runs creates a file named after itself here. */
let markers: string;
beforeEach(async () => {
  repository = await createTemporaryRepository();
  markers = await realpath(await mkdtemp(join(tmpdir(), 'lldflow-hook-markers-')));
});
afterEach(async () => {
  await repository.remove();
  await rm(markers, { recursive: true, force: true });
});

/** Writes every hook in HOOKS into `folder`, executable, as a model-written test could. */
async function plantHooks(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (const hook of HOOKS) {
    const path = join(folder, hook);
    await writeFile(path, `#!/bin/sh\ntouch '${join(markers, hook)}'\nexit 0\n`);
    await chmod(path, 0o755);
  }
}

async function hooksThatRan(): Promise<string[]> {
  return (await readdir(markers)).sort();
}

/** The repository's shared hooks folder, where a test run in any worktree finds them. */
async function commonHooksFolder(): Promise<string> {
  const common = (await runGit(['rev-parse', '--git-common-dir'], { cwd: repository.path })).stdout.trim();
  return join(isAbsolute(common) ? common : resolve(repository.path, common), 'hooks');
}

/** Plain git, without lldflow's runGit: shows the planted hooks are real and do run. */
function plainGit(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, ...ISOLATED_GIT_ENV } });
}

async function expectHooksRunForPlainGit(): Promise<void> {
  await writeFile(join(repository.path, 'control.txt'), 'control\n');
  plainGit(repository.path, 'add', 'control.txt');
  plainGit(repository.path, 'commit', '--quiet', '-m', 'control');
  plainGit(repository.path, 'checkout', '--quiet', '-b', 'control');
  plainGit(repository.path, 'checkout', '--quiet', 'main');
  expect(await hooksThatRan()).toEqual([...HOOKS].sort());
  await rm(markers, { recursive: true, force: true });
  await mkdir(markers);
}

/** What lldflow does with the repository in an implementation run: worktree, commits there and in the main checkout. */
async function lldflowGitWork(): Promise<void> {
  const worktree = await ensureWorktree({ repo: repository.path, id: '7', baseRef: 'main' });
  expect(worktree.created).toBe(true);
  await writeFile(join(worktree.path, 'code.ts'), 'export const x = 1;\n');
  expect(await commitAll({ worktree: worktree.path, message: 'tests', body: 'Written first.', env: ISOLATED_GIT_ENV })).toMatch(
    /^[0-9a-f]{40}$/,
  );
  await writeFile(join(repository.path, 'main.txt'), 'main\n');
  expect(await commitAll({ worktree: repository.path, message: 'main', env: ISOLATED_GIT_ENV })).toMatch(/^[0-9a-f]{40}$/);
  // A removed worktree folder is re-added on the existing branch: a checkout again.
  await rm(worktree.path, { recursive: true, force: true });
  expect((await ensureWorktree({ repo: repository.path, id: '7', baseRef: 'main' })).path).toBe(worktree.path);
}

describe("lldflow's git runs no hooks", () => {
  it('ignores hooks planted in the repository’s .git/hooks', async () => {
    await plantHooks(await commonHooksFolder());
    await expectHooksRunForPlainGit();

    await lldflowGitWork();

    expect(await hooksThatRan()).toEqual([]);
  });

  it('ignores hooks behind a core.hooksPath configured in the repository', async () => {
    const configured = `${markers}-hooks`;
    await plantHooks(configured);
    try {
      await repository.git('config', 'core.hooksPath', configured);
      await expectHooksRunForPlainGit();

      await lldflowGitWork();

      expect(await hooksThatRan()).toEqual([]);
    } finally {
      await rm(configured, { recursive: true, force: true });
    }
  });

  it('ignores hooks behind a relative core.hooksPath written into the worktree', async () => {
    const worktree = await ensureWorktree({ repo: repository.path, id: '8', baseRef: 'main' });
    // Relative hook paths are looked up in the working tree a command runs in.
    await plantHooks(join(worktree.path, '.hooks'));
    await runGit(['config', 'core.hooksPath', '.hooks'], { cwd: worktree.path });

    expect(await commitAll({ worktree: worktree.path, message: 'with planted hooks', env: ISOLATED_GIT_ENV })).toMatch(/^[0-9a-f]{40}$/);

    expect(await hooksThatRan()).toEqual([]);
    plainGit(worktree.path, 'commit', '--quiet', '--allow-empty', '-m', 'control');
    expect(await hooksThatRan()).toContain('post-commit');
  });
});
