import { GitError, runGit } from './git.js';

/** The identity commits get when neither git's configuration nor the environment names one. */
export const FALLBACK_IDENTITY = { name: 'lldflow', email: 'lldflow@localhost' } as const;

export interface CommitOptions {
  /** The worktree whose changes are committed. */
  worktree: string;
  /** The subject line. */
  message: string;
  /** Optional longer description, a separate paragraph. */
  body?: string;
  signal?: AbortSignal;
  /** Environment git runs with (and where GIT_AUTHOR_EMAIL etc. are looked up); default: this process's. */
  env?: Record<string, string | undefined>;
}

/**
 * Stages every change in the worktree (new, modified, deleted) and commits it. Resolves with the new
 * commit's sha, or undefined when there was nothing to commit.
 */
export async function commitAll(options: CommitOptions): Promise<string | undefined> {
  const { worktree, signal } = options;
  const environment = { ...process.env, ...options.env };
  const git = { cwd: worktree, signal, env: options.env };
  await runGit(['add', '--all'], git);
  if (!(await hasStagedChanges(worktree, signal, options.env))) return undefined;

  const identity = await fallbackIdentityArguments(worktree, environment, signal);
  const message = ['-m', options.message, ...(options.body ? ['-m', options.body] : [])];
  await runGit([...identity, 'commit', '--quiet', ...message], git);
  const { stdout } = await runGit(['rev-parse', 'HEAD'], git);
  return stdout.trim();
}

export interface PushOptions {
  /** Any working tree of the repository (the worktree itself works). */
  repo: string;
  branch: string;
  /** Default `origin`. */
  remote?: string;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
}

/** Pushes `branch` to the remote and records it as the branch's upstream. */
export async function pushBranch(options: PushOptions): Promise<void> {
  const remote = options.remote ?? 'origin';
  for (const [label, value] of [
    ['branch', options.branch],
    ['remote', remote],
  ] as const) {
    // A leading dash would be read as an option.
    if (value === '' || value.startsWith('-')) throw new Error(`invalid ${label} ${JSON.stringify(value)}`);
  }
  await runGit(['push', '--set-upstream', remote, `refs/heads/${options.branch}:refs/heads/${options.branch}`], {
    cwd: options.repo,
    signal: options.signal,
    env: options.env,
  });
}

async function hasStagedChanges(
  worktree: string,
  signal: AbortSignal | undefined,
  env: Record<string, string | undefined> | undefined,
): Promise<boolean> {
  try {
    await runGit(['diff', '--cached', '--quiet'], { cwd: worktree, signal, env });
    return false;
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return true;
    throw error;
  }
}

/**
 * `-c user.name=… -c user.email=…` for whatever git cannot find on its own, so a commit never fails
 * with "Please tell me who you are" on a fresh machine; nothing when the user configured an identity.
 * GIT_AUTHOR_* / GIT_COMMITTER_* in the environment still win: git ranks them above configuration.
 */
async function fallbackIdentityArguments(
  worktree: string,
  environment: Record<string, string | undefined>,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const email = await configValue(worktree, 'user.email', environment, signal);
  if (email) return [];
  const identity: string[] = [];
  if (!(await configValue(worktree, 'user.name', environment, signal))) {
    identity.push('-c', `user.name=${FALLBACK_IDENTITY.name}`);
  }
  // git reads EMAIL only when user.email is unset, so a -c value would hide it.
  if (!environment.EMAIL) identity.push('-c', `user.email=${FALLBACK_IDENTITY.email}`);
  return identity;
}

async function configValue(
  worktree: string,
  key: string,
  environment: Record<string, string | undefined>,
  signal: AbortSignal | undefined,
): Promise<string> {
  try {
    const { stdout } = await runGit(['config', '--get', key], { cwd: worktree, signal, env: environment });
    return stdout.trim();
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return '';
    throw error;
  }
}
