import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import { validateItemId } from '../core/item-id.js';
import { ConfigurationError } from '../core/errors.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { GitError, resolveRef, runGit } from './git.js';
import { commonGitDirectory, withRepositoryLock } from './repository-lock.js';

export { commitAll, pushBranch } from './commit.js';
export type { CommitOptions, PushOptions } from './commit.js';

export interface EnsureWorktreeOptions {
  /** The target repository (its main working tree). */
  repo: string;
  /** A validated item id; names the folder and the branch. */
  id: string;
  /** Where a new branch starts (branch, tag or sha). Unused when the branch exists already. */
  baseRef: string;
  signal?: AbortSignal;
}

export interface Worktree {
  /** Absolute path of the worktree folder. */
  path: string;
  branch: string;
  /** False when an existing worktree, or an existing branch, was reused. */
  created: boolean;
}

export function worktreePath(repo: string, id: string): string {
  return inRepository(resolve(repo), repositoryPaths.worktree(id));
}

export function implementationBranch(id: string): string {
  return `${validateItemId(id, 'branch')}-implementation`;
}

/**
 * Gives item `id` its own worktree at `.lldflow/worktrees/<id>` on branch `<id>-implementation`.
 * An existing worktree is reused untouched: it may hold uncommitted work from an interrupted run.
 * When its folder was deleted, the stale registration is pruned and the worktree re-added on the
 * branch as it is, so earlier commits survive. Holds the repository lock throughout (see
 * repository-lock.ts): another lldflow process's worktree changes wait, and cannot collide with these.
 */
export function ensureWorktree(options: EnsureWorktreeOptions): Promise<Worktree> {
  return withRepositoryLock(options.repo, () => ensureWorktreeLocked(options), options.signal);
}

async function ensureWorktreeLocked(options: EnsureWorktreeOptions): Promise<Worktree> {
  const { repo, id, signal } = options;
  const path = worktreePath(repo, id);
  const branch = implementationBranch(id);
  await excludeLocalState(repo, signal);
  await runGit(['worktree', 'prune'], { cwd: repo, signal });

  let registered = await findRegisteredWorktree(repo, path, signal);
  if (registered && !registered.present) {
    // Prune skips locked registrations; a locked one whose folder is gone would block `worktree add`.
    await runGit(['worktree', 'unlock', registered.path], { cwd: repo, signal }).catch(() => undefined);
    await runGit(['worktree', 'prune'], { cwd: repo, signal });
    registered = await findRegisteredWorktree(repo, path, signal);
  }
  if (registered?.present) {
    return { path, branch: registered.branch ?? branch, created: false };
  }
  if (registered) {
    throw new ConfigurationError(`git still lists the missing worktree ${path}; run \`git worktree prune\` in ${repo}`);
  }
  if (!(await isMissingOrEmptyFolder(path))) {
    throw new ConfigurationError(`${path} exists but is not a git worktree; move it away so lldflow can create the worktree for ${id}`);
  }

  if (await branchExists(repo, branch, signal)) {
    await runGit(['worktree', 'add', path, branch], { cwd: repo, signal });
    return { path, branch, created: false };
  }
  const base = await resolveRef(repo, options.baseRef, signal);
  await runGit(['worktree', 'add', '-b', branch, path, base], { cwd: repo, signal });
  return { path, branch, created: true };
}

/**
 * Adds `.lldflow/` to the repository's `info/exclude` unless a line there already covers it; returns
 * whether it wrote. The common git dir is used so the same file is found from any worktree. Under the
 * repository lock: two runs starting at once must not both read the file and both append.
 */
export function ensureLocalStateExcluded(repo: string, signal?: AbortSignal): Promise<boolean> {
  return withRepositoryLock(repo, () => excludeLocalState(repo, signal), signal);
}

async function excludeLocalState(repo: string, signal?: AbortSignal): Promise<boolean> {
  const excludeFile = join(await commonGitDirectory(repo, signal), 'info', 'exclude');
  const current = await readFile(excludeFile, 'utf8').catch((error: unknown) => {
    if (isErrnoException(error) && error.code === 'ENOENT') return '';
    throw error;
  });
  const folder = repositoryPaths.localState;
  // `.lldflow`, `/.lldflow`, `.lldflow/` or `/.lldflow/`.
  const covered = current.split(/\r?\n/).some((line) => line.trim().replace(/^\//, '').replace(/\/$/, '') === folder);
  if (covered) return false;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  await writeFileAtomic(excludeFile, `${current}${separator}${folder}/\n`);
  return true;
}

interface RegisteredWorktree {
  path: string;
  branch: string | undefined;
  present: boolean;
}

async function findRegisteredWorktree(repo: string, path: string, signal?: AbortSignal): Promise<RegisteredWorktree | undefined> {
  const { stdout } = await runGit(['worktree', 'list', '--porcelain'], { cwd: repo, signal });
  const wanted = await canonicalPath(path);
  for (const record of stdout.split(/\n\n+/)) {
    const lines = record.split('\n');
    const listed = lines.find((line) => line.startsWith('worktree '))?.slice('worktree '.length);
    if (listed === undefined || (await canonicalPath(listed)) !== wanted) continue;
    const branchLine = lines.find((line) => line.startsWith('branch '));
    const branch = branchLine?.slice('branch '.length).replace(/^refs\/heads\//, '');
    return { path: listed, branch, present: await isGitCheckout(listed) };
  }
  return undefined;
}

export async function branchExists(repo: string, branch: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await runGit(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: repo, signal });
    return true;
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return false;
    throw error;
  }
}

/** Resolves symbolic links in the part of `path` that exists (temporary folders are often links). */
async function canonicalPath(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return join(await canonicalPath(parent), basename(absolute));
  }
}

async function isGitCheckout(path: string): Promise<boolean> {
  try {
    await stat(join(path, '.git'));
    return true;
  } catch {
    return false;
  }
}

async function isMissingOrEmptyFolder(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return true;
    throw error;
  }
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
