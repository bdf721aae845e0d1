import { isAbsolute, join, resolve } from 'node:path';
import { withExclusiveLock } from '../files/exclusive-lock.js';
import { runGit } from './git.js';

/** In the common git directory, so every worktree of the repository, and every path to it, finds the same file. */
const LOCK_FILE = 'lldflow.lock';

/**
 * Runs `work` while no other lldflow process, and no other item of this one, changes the repository
 * as a whole: worktrees (`git worktree add`, `prune`, `unlock`), the shared `info/exclude`. Git takes
 * its own locks (`index.lock`, ref and config locks) and fails at once when another git holds them;
 * this makes lldflow's processes take turns instead. Waits as long as it takes, or until `signal`
 * aborts; a killed holder's lock is released by the OS (src/files/exclusive-lock.ts). Not reentrant.
 */
export async function withRepositoryLock<T>(repo: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const path = join(await commonGitDirectory(repo, signal), LOCK_FILE);
  return withExclusiveLock(path, work, signal ? { signal } : {});
}

/** Where the repository's shared git files live (also from a worktree, a submodule or a subfolder). */
export async function commonGitDirectory(repo: string, signal?: AbortSignal): Promise<string> {
  const { stdout } = await runGit(['rev-parse', '--git-common-dir'], { cwd: repo, signal });
  const commonDirectory = stdout.trim();
  return resolve(isAbsolute(commonDirectory) ? commonDirectory : resolve(repo, commonDirectory));
}
