import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ConfigurationError, UsageError } from '../core/errors.js';

/** `--sandbox`: the platform's sandbox when there is one (else refuse), bubblewrap, or none at all. */
export type SandboxMode = 'auto' | 'bwrap' | 'none';
export const SANDBOX_MODES: readonly SandboxMode[] = ['auto', 'bwrap', 'none'];

/** Where one sandboxed command may write and what it may reach. */
export interface SandboxScope {
  /** The item's worktree: the only place the command may write, and where it runs. */
  worktree: string;
  /** Folders shown read-only even where the sandbox has its own (the main repository under /tmp). */
  readable: readonly string[];
  /** Folders hidden from the command (lldflow's local state, other items' worktrees). */
  hidden: readonly string[];
  /**
   * Host folders the command may also write, each seen at `target` (a coding agent's session folder, the
   * folder of the socket its model traffic leaves through). Mounted over the hidden ones.
   */
  binds?: ReadonlyArray<{ source: string; target: string }>;
  /** Reach the network (`--sandbox-network`); loopback inside the sandbox works either way. */
  network: boolean;
  /** The command's whole environment: nothing else is inherited. */
  env: Readonly<Record<string, string>>;
  /**
   * Keep the environment bubblewrap is started with instead of `env` (a wrapper that an SDK starts with
   * the variables it chose). HOME and TMPDIR are still the sandbox's own.
   */
  inheritEnvironment?: boolean;
}

/** How to start a command under the sandbox: the program and its arguments, run without a shell. */
export interface SandboxedCommand {
  file: string;
  args: string[];
  /**
   * The file descriptor (3 or above) on which the sandbox writes, as JSON, the `child-pid` of its first
   * process: the caller opens it as a pipe and waits for that process's PID namespace to empty.
   */
  infoFd?: number;
}

export interface Sandbox {
  readonly kind: 'bwrap' | 'none';
  /** One line for the log: which sandbox and why. */
  readonly description: string;
  /** The command line wrapped so it runs inside the sandbox; undefined for `none`. */
  wrap(command: string, scope: SandboxScope): SandboxedCommand | undefined;
  /** A program and its arguments (no shell) wrapped so they run inside the sandbox; undefined for `none`. */
  wrapProgram(argv: readonly string[], scope: SandboxScope): SandboxedCommand | undefined;
}

const INSTALL_HINT = 'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)';

/**
 * The sandbox for model-written code. `auto` takes bubblewrap on Linux when it is installed and works
 * here, and refuses otherwise (lldflow never runs model code unconfined unless asked to with `none`);
 * `bwrap` insists on bubblewrap; `none` runs commands as the user, in their own process group only.
 */
export function resolveSandbox(mode: string, options: { env: Record<string, string | undefined>; platform?: NodeJS.Platform }): Sandbox {
  if (!(SANDBOX_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`invalid --sandbox ${JSON.stringify(mode)}: use one of ${SANDBOX_MODES.join(', ')}`);
  }
  if (mode === 'none')
    return noSandbox('--sandbox none: model-written code runs with your privileges, seeing your files, network and processes');
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') {
    throw new ConfigurationError(
      `--sandbox ${mode}: lldflow sandboxes model-written code with bubblewrap, which is Linux-only; on ${platform} pass --sandbox none to run it unconfined`,
    );
  }
  const bwrap = findExecutable('bwrap', options.env.PATH ?? '');
  if (!bwrap) {
    throw new ConfigurationError(
      `--sandbox ${mode}: bubblewrap (bwrap) is not on PATH, and lldflow does not run model-written code without a sandbox: ${INSTALL_HINT}, or pass --sandbox none to run it unconfined`,
    );
  }
  const probe = spawnSync(bwrap, ['--ro-bind', '/', '/', '--unshare-pid', '--unshare-net', '--dev', '/dev', '--proc', '/proc', 'true'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || `exit ${String(probe.status)}`).trim();
    throw new ConfigurationError(
      `--sandbox ${mode}: bubblewrap at ${bwrap} cannot create a sandbox here (${why}); fix that, or pass --sandbox none`,
    );
  }
  return bubblewrap(bwrap);
}

function noSandbox(description: string): Sandbox {
  return { kind: 'none', description, wrap: () => undefined, wrapProgram: () => undefined };
}

/** The first descriptor after stdin, stdout and stderr. */
const INFO_FD = 3;

function bubblewrap(file: string): Sandbox {
  return {
    kind: 'bwrap',
    description: `bubblewrap (${file}): only the worktree is writable, private /tmp and process namespace, no network unless --sandbox-network`,
    wrap: (command, scope) => ({
      file,
      args: ['--info-fd', String(INFO_FD), ...bubblewrapArguments(scope), '/bin/sh', '-c', command],
      infoFd: INFO_FD,
    }),
    wrapProgram: (argv, scope) => ({ file, args: [...bubblewrapArguments(scope), ...argv] }),
  };
}

/**
 * bubblewrap's arguments for one command. Order matters: later mounts cover earlier ones, so the whole
 * disk goes in read-only first, then the private /tmp, the readable folders again (a repository under
 * /tmp), the hidden folders, the extra writable folders, and the worktree on top.
 * In its own PID namespace the command sees no other process (so no other process's environment);
 * when its first process ends, or lldflow does (--die-with-parent), everything it started is killed.
 */
export function bubblewrapArguments(scope: SandboxScope): string[] {
  const args = ['--die-with-parent', '--new-session', '--unshare-pid', '--unshare-ipc', '--unshare-uts'];
  if (!scope.network) args.push('--unshare-net');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--dir', '/tmp/home');
  for (const folder of scope.readable) args.push('--ro-bind', folder, folder);
  for (const folder of scope.hidden) args.push('--tmpfs', folder);
  for (const { source, target } of scope.binds ?? []) args.push('--bind', source, target);
  args.push('--bind', scope.worktree, scope.worktree, '--chdir', scope.worktree);
  if (!scope.inheritEnvironment) args.push('--clearenv');
  const env = scope.inheritEnvironment ? {} : scope.env;
  for (const [name, value] of Object.entries({ ...env, HOME: '/tmp/home', TMPDIR: '/tmp' })) args.push('--setenv', name, value);
  return args;
}

function findExecutable(name: string, path: string): string | undefined {
  for (const folder of path.split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here: try the next folder.
    }
  }
  return undefined;
}
