import { ConfigurationError } from '../core/errors.js';
import { GitError, runGit } from './git.js';
import { withRepositoryLock } from './repository-lock.js';
import { branchExists, worktreePath } from './worktree.js';

/*
 * A fleet shares implementation branches through the repository's origin: the submitter's base commit
 * must be there for workers to branch from, each worker pushes an item's branch after every commit, and
 * whichever worker resumes the item, or the submitter at the end, takes the branch from there.
 */

/** Whether `commit` is on a branch of origin, as this clone last saw it (no network). */
export async function isOnOrigin(repo: string, commit: string, signal?: AbortSignal): Promise<boolean> {
  const { stdout } = await runGit(['branch', '--remotes', '--contains', commit, '--list', 'origin/*'], { cwd: repo, signal });
  return stdout.trim() !== '';
}

/** `git fetch origin`, one at a time per clone (concurrent fetches collide on ref locks). */
export async function fetchOrigin(repo: string, signal?: AbortSignal): Promise<void> {
  await withRepositoryLock(repo, () => runGit(['fetch', '--quiet', '--prune', 'origin'], { cwd: repo, signal }), signal);
}

/** Whether the clone has `commit` (after a fetch: whether origin had it). */
export async function hasCommit(repo: string, commit: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await runGit(['cat-file', '-e', `${commit}^{commit}`], { cwd: repo, signal });
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}

/**
 * Brings item `id`'s branch in the clone up to origin's (after `fetchOrigin`), so a worker resuming an
 * item another worker started has its commits. A worktree of this clone already on the branch moves
 * only forward (its work in progress is kept); a branch without one is set to origin's.
 */
export async function takeBranchFromOrigin(repo: string, id: string, branch: string, signal?: AbortSignal): Promise<void> {
  const remote = `refs/remotes/origin/${branch}`;
  try {
    await runGit(['show-ref', '--verify', '--quiet', remote], { cwd: repo, signal });
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return;
    throw error;
  }
  await withRepositoryLock(
    repo,
    async () => {
      await runGit(['worktree', 'prune'], { cwd: repo, signal });
      const { stdout } = await runGit(['worktree', 'list', '--porcelain'], { cwd: repo, signal });
      const checkedOut = stdout.split('\n').includes(`branch refs/heads/${branch}`);
      if (!checkedOut) {
        await runGit(['branch', '--force', '--no-track', branch, remote], { cwd: repo, signal });
        return;
      }
      // Only when origin is ahead: a worktree ahead of origin, or apart from it, keeps what it has.
      await runGit(['merge', '--ff-only', '--quiet', remote], { cwd: worktreePath(repo, id), signal }).catch(() => undefined);
    },
    signal,
  );
}

/**
 * On the submitter: the branch a worker pushed, fetched into this repository's own branch of that name
 * so it can be reviewed, merged and seen as done. A branch this repository has checked out is left as
 * it is, with a ConfigurationError saying so.
 */
export async function fetchBranchFromOrigin(repo: string, branch: string, signal?: AbortSignal): Promise<void> {
  if (branch === '' || branch.startsWith('-')) throw new Error(`invalid branch ${JSON.stringify(branch)}`);
  const { stdout } = await runGit(['worktree', 'list', '--porcelain'], { cwd: repo, signal });
  if (stdout.split('\n').includes(`branch refs/heads/${branch}`) && (await branchExists(repo, branch, signal))) {
    throw new ConfigurationError(`${branch} is checked out in ${repo}: fetch it yourself with git fetch origin ${branch}`);
  }
  await runGit(['fetch', '--quiet', 'origin', `+refs/heads/${branch}:refs/heads/${branch}`], { cwd: repo, signal });
}
