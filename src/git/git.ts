import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { settleOnce } from '../cancellation/settle-once.js';
import { systemClock } from '../clock/clock.js';
import { abortReason } from '../core/abort.js';
import { ConfigurationError } from '../core/errors.js';
import { repositoryPaths } from '../core/paths.js';
import { GitError } from './git-error.js';

export { GitError } from './git-error.js';

export interface GitOptions {
  /** The folder git runs in. */
  cwd: string;
  /** Aborting kills git and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Added to the inherited environment (undefined values remove a variable). */
  env?: Record<string, string | undefined>;
  /** Written to git's standard input. */
  input?: string;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
}

/**
 * Put before every command lldflow runs: git looks hooks up under `/dev/null/<hook>`, which can never
 * exist, so lldflow's own git never runs a hook — neither one a model-written test planted in the
 * repository's `.git/hooks` (shared by every worktree) or behind a `core.hooksPath` it configured,
 * nor the user's own. A command-line `-c` outranks every configuration file, so no configuration
 * can undo it, and git hands it on to the git processes it starts itself.
 *
 * Chosen over `--no-verify`, which exists only on `commit`, `merge` and `push` and skips only
 * pre-commit and commit-msg (pre-merge-commit, pre-push): prepare-commit-msg, post-commit,
 * post-checkout (run by `worktree add`), post-rewrite, reference-transaction and the rest would still
 * run. The user's own hooks are skipped too: lldflow's commits land on its own branch, and the user's
 * hooks run when they commit, merge or push it themselves. `core.fsmonitor`, the other setting that
 * makes git run a program on its own (on status, add, diff), is turned off the same way.
 */
const NO_HOOKS: readonly string[] = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];

/**
 * How long to wait before each new attempt of a command that found one of git's lock files taken
 * (about 3 s in all): another git (the user's, or a concurrent lldflow process's commit) is about to
 * finish. A lock file left by a killed git stays, and the command then fails with git's own message.
 */
const LOCK_RETRY_DELAYS_MS: readonly number[] = [50, 100, 200, 400, 800, 1600];

/**
 * Runs one git command (with NO_HOOKS: never a hook) and resolves with its output; a non-zero exit
 * rejects with a GitError naming the command as given. Git never prompts (a prompt would hang an
 * unattended run) and speaks the C locale, so its messages read the same on every machine. A command
 * refused because another git holds a lock (`index.lock`, a ref's or the config's) is tried again a
 * few times: git takes those locks before it changes anything, so the refused attempt did nothing.
 */
export async function runGit(args: readonly string[], options: GitOptions): Promise<GitOutput> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await runGitOnce(args, options);
    } catch (error) {
      const delay = LOCK_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isLockContention(error)) throw error;
      await systemClock.sleep(delay, options.signal);
    }
  }
}

/** Git refused because another git holds one of its lock files. */
export function isLockContention(error: unknown): boolean {
  return (
    error instanceof GitError &&
    /Unable to create '[^'\n]*\.lock': File exists|could not lock config file [^\n]*: File exists/.test(error.stderr)
  );
}

function runGitOnce(args: readonly string[], options: GitOptions): Promise<GitOutput> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<GitOutput>((resolve, reject) => {
    const child = spawn('git', [...NO_HOOKS, ...args], {
      cwd: options.cwd,
      env: gitEnvironment(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const finish = settleOnce(signal, () => {
      child.kill('SIGTERM');
      finish(() => reject(abortReason(signal!)));
    });

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => finish(() => reject(new GitError(args, null, error.message, { cause: error }))));
    child.on('close', (code) => {
      const output = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      finish(() => (code === 0 ? resolve(output) : reject(new GitError(args, code, output.stderr))));
    });
    child.stdin.on('error', () => undefined); // git may exit before reading; its exit code tells the story
    child.stdin.end(options.input);
  });
}

function gitEnvironment(extra: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...extra, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) delete environment[name];
  }
  return environment;
}

/** True when `path` is inside a git working tree (a main checkout or a linked worktree). */
export async function isGitRepository(path: string, signal?: AbortSignal): Promise<boolean> {
  if (!(await isDirectory(path))) return false;
  // The usual case, a repository's top folder, without starting git; anything else (a subfolder) asks git.
  if (await isDirectory(join(path, '.git'))) return true;
  try {
    const { stdout } = await runGit(['rev-parse', '--is-inside-work-tree'], { cwd: path, signal });
    return stdout.trim() === 'true';
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}

/** The top folder of the working tree that holds `path`; a ConfigurationError when there is none. */
export async function repositoryRoot(path: string, signal?: AbortSignal): Promise<string> {
  if (!(await isGitRepository(path, signal))) {
    throw new ConfigurationError(`not a git repository: ${path}`);
  }
  const { stdout } = await runGit(['rev-parse', '--show-toplevel'], { cwd: path, signal });
  return stdout.trim();
}

/**
 * True when nothing is staged, modified or untracked — apart from untracked lldflow output: its local
 * state (`.lldflow/`, which may exist before it is excluded from git) and its lineage (`docs/lineage/`,
 * where implement itself writes: a re-run or a resume must not be refused for it).
 */
const UNTRACKED_LLDFLOW_OUTPUT = [repositoryPaths.localState, posix.dirname(repositoryPaths.lineageFolder)];

export async function isWorkingTreeClean(repo: string, signal?: AbortSignal): Promise<boolean> {
  return (await uncommittedPaths(repo, signal)).length === 0;
}

/** The paths that make the working tree dirty (as isWorkingTreeClean counts them), relative to the top level. */
export async function uncommittedPaths(repo: string, signal?: AbortSignal): Promise<string[]> {
  const { stdout } = await runGit(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: repo, signal });
  const entries = stdout.split('\0');
  const paths: string[] = [];
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    if (entry === '') continue;
    const status = entry.slice(0, 2);
    const path = entry.slice(3);
    // A rename or copy is followed by its source path as a separate entry.
    if (status.includes('R') || status.includes('C')) index++;
    if (status === '??' && UNTRACKED_LLDFLOW_OUTPUT.some((folder) => path === folder || path.startsWith(`${folder}/`))) continue;
    paths.push(path);
  }
  return paths;
}

/** The commit HEAD points at. */
export async function currentHead(repo: string, signal?: AbortSignal): Promise<string> {
  const { stdout } = await runGit(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: repo, signal });
  return stdout.trim();
}

/** The commit a ref (branch, tag, sha, `HEAD~2`) names; a ConfigurationError naming the ref when none. */
export async function resolveRef(repo: string, ref: string, signal?: AbortSignal): Promise<string> {
  // A leading dash would be read as an option.
  if (ref === '' || ref.startsWith('-')) throw new ConfigurationError(`invalid git ref ${JSON.stringify(ref)}`);
  try {
    const { stdout } = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
      cwd: repo,
      signal,
    });
    return stdout.trim();
  } catch (error) {
    if (error instanceof GitError) {
      throw new ConfigurationError(`unknown git ref ${JSON.stringify(ref)} in ${repo}`, { cause: error });
    }
    throw error;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
