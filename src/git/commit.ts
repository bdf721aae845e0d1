import { GitError, runGit, type GitOptions } from './git.js';
import { SecretInCommitError } from './secret-in-commit-error.js';

export { SecretInCommitError } from './secret-in-commit-error.js';

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
  /**
   * Whether text holds one of the run's configured secrets (ItemContext.holdsSecret). When the staged
   * changes or the message do, nothing is committed: the changes are unstaged (left in the worktree)
   * and commitAll throws SecretInCommitError. Default: no check.
   */
  holdsSecret?: (text: string) => boolean;
}

/**
 * Stages every change in the worktree (new, modified, deleted) and commits it. Resolves with the new
 * commit's sha, or undefined when there was nothing to commit. With `holdsSecret`, a commit that would
 * put a configured secret into git is refused (SecretInCommitError).
 */
export async function commitAll(options: CommitOptions): Promise<string | undefined> {
  const { worktree, signal } = options;
  const environment = { ...process.env, ...options.env };
  const git = { cwd: worktree, signal, env: options.env };
  await runGit(['add', '--all'], git);
  if (!(await hasStagedChanges(worktree, signal, options.env))) return undefined;
  if (options.holdsSecret) await refuseStagedSecrets(worktree, options, options.holdsSecret, git);

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

/**
 * The staged changes as text: `--text` shows binary files and `--no-ext-diff --no-textconv` ignore diff
 * drivers the repository's configuration or attributes name, so what is checked is what git stores.
 * Zero context lines: only what changes is checked.
 */
const STAGED_DIFF = ['diff', '--cached', '--no-color', '--no-ext-diff', '--no-textconv', '--text', '--no-renames', '-U0'] as const;

/** Shown instead of a file name that itself holds the secret. */
const SECRET_NAMED_FILE = '(a file whose name holds the key)';

/**
 * Throws SecretInCommitError, after unstaging everything, when the staged changes or the message hold a
 * secret. One diff of everything when they do not (the usual case); one per file to name them when
 * they do. Removed lines do not count: a change that deletes a key takes it out of the tree.
 */
async function refuseStagedSecrets(
  worktree: string,
  options: CommitOptions,
  holdsSecret: (text: string) => boolean,
  git: GitOptions,
): Promise<void> {
  const inMessage = holdsSecret(`${options.message}\n${options.body ?? ''}`);
  const { stdout: diff } = await runGit(STAGED_DIFF, git);
  if (!inMessage && !holdsSecret(withoutRemovedLines(diff))) return;

  const { stdout: names } = await runGit(['diff', '--cached', '--name-only', '-z', '--no-renames'], git);
  const files: string[] = inMessage ? ['the commit message'] : [];
  for (const file of names.split('\0').filter((name) => name !== '')) {
    // --literal-pathspecs: a file named `*.ts` is that file, not a pattern.
    const { stdout: fileDiff } = await runGit(['--literal-pathspecs', ...STAGED_DIFF, '--', file], git);
    if (holdsSecret(withoutRemovedLines(fileDiff))) files.push(holdsSecret(file) ? SECRET_NAMED_FILE : file);
  }
  // Still staged if this fails, but never committed: the next commitAll stages and checks again.
  await runGit(['reset', '--quiet'], git).catch(() => undefined);
  throw new SecretInCommitError(worktree, files);
}

function withoutRemovedLines(diff: string): string {
  return diff
    .split('\n')
    .filter((line) => !line.startsWith('-'))
    .join('\n');
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
