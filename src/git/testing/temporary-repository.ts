import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../git.js';

/** Git configuration outside the test repository is ignored, so the machine's settings cannot leak in. */
export const ISOLATED_GIT_ENV = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } as const;

export interface TemporaryRepository {
  path: string;
  git(...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

/** A fresh repository with a local identity and one commit (`README.md`) on branch `main`. */
export async function createTemporaryRepository(options: { identity?: boolean } = {}): Promise<TemporaryRepository> {
  const path = await realpath(await mkdtemp(join(tmpdir(), 'lldflow-git-')));
  const git = async (...args: string[]): Promise<string> =>
    (await runGit(args, { cwd: path, env: ISOLATED_GIT_ENV })).stdout.trim();
  await git('init', '--quiet', '--initial-branch=main');
  await git('config', 'commit.gpgsign', 'false');
  const identity = ['-c', 'user.name=Setup', '-c', 'user.email=setup@example.test'];
  if (options.identity !== false) {
    await git('config', 'user.name', 'Test User');
    await git('config', 'user.email', 'test@example.test');
  }
  await writeFile(join(path, 'README.md'), '# test\n');
  await git('add', 'README.md');
  await git(...identity, 'commit', '--quiet', '-m', 'initial');
  return { path, git, remove: () => rm(path, { recursive: true, force: true }) };
}
