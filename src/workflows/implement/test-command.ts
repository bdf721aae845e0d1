import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { abortReason } from '../../core/abort.js';
import { systemClock, type Clock } from '../../clock/clock.js';
import { OutputTail } from './output-tail.js';
import type { Sandbox } from '../../process/sandbox.js';
import {
  descendantNamespaces,
  endNamespaceThroughInit,
  killNamespace,
  waitForNamespaceExit,
  type NamespaceInit,
} from '../../process/pid-namespace.js';
import { terminateProcessGroup } from '../../process/terminate-process-group.js';

/**
 * The command that runs the project's tests, guessed from its files; undefined when nothing is
 * recognised (the user then passes `--test-command`).
 */
export async function detectTestCommand(worktree: string): Promise<string | undefined> {
  const packageJson = await readText(join(worktree, 'package.json'));
  if (packageJson !== undefined && hasRealTestScript(packageJson)) return 'npm test';

  if ((await readText(join(worktree, 'pytest.ini'))) !== undefined) return 'pytest';
  if (/^\[tool\.pytest[.\]]/m.test((await readText(join(worktree, 'pyproject.toml'))) ?? '')) return 'pytest';
  if (/^\[tool:pytest\]/m.test((await readText(join(worktree, 'setup.cfg'))) ?? '')) return 'pytest';
  if (/^\[pytest\]/m.test((await readText(join(worktree, 'tox.ini'))) ?? '')) return 'pytest';
  if (await holdsPythonFiles(join(worktree, 'tests'))) return 'pytest';

  if ((await readText(join(worktree, 'go.mod'))) !== undefined) return 'go test ./...';
  if ((await readText(join(worktree, 'Cargo.toml'))) !== undefined) return 'cargo test';
  return undefined;
}

function hasRealTestScript(packageJson: string): boolean {
  try {
    const parsed: unknown = JSON.parse(packageJson);
    if (typeof parsed !== 'object' || parsed === null || !('scripts' in parsed)) return false;
    const scripts: unknown = parsed.scripts;
    if (typeof scripts !== 'object' || scripts === null || !('test' in scripts)) return false;
    const test: unknown = scripts.test;
    // `npm init` writes a placeholder that always fails; it is not a test suite.
    return typeof test === 'string' && test.trim() !== '' && !test.includes('Error: no test specified');
  } catch {
    return false;
  }
}

async function holdsPythonFiles(folder: string): Promise<boolean> {
  try {
    const entries = await readdir(folder, { recursive: true });
    return entries.some((entry) => String(entry).endsWith('.py'));
  } catch {
    return false;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface TestRunOptions {
  /** A shell command line, run with `sh -c` (cmd.exe on Windows). */
  command: string;
  cwd: string;
  /** Past this the command and everything it started are killed, and the result says `timedOut`. */
  timeoutMs: number;
  /** Aborting kills the command and everything it started; the promise then rejects with the reason. */
  signal?: AbortSignal;
  /** Added to the environment (after secrets are removed from the inherited one); CI=true and colours off win. */
  env?: Record<string, string | undefined>;
  /** Drives the time-out and the kill grace period; default the system clock. */
  clock?: Clock;
  /** Between SIGTERM and SIGKILL; default 2 s. */
  killGraceMs?: number;
  /** Output kept, from the end; default 200 KB. */
  maxOutputBytes?: number;
  /**
   * Runs the command inside this sandbox, writable only in `cwd`. Without one (or with `none`) it runs
   * as the user, confined only to its own process group.
   */
  sandbox?: { sandbox: Sandbox; readable: readonly string[]; hidden: readonly string[]; network: boolean };
  /** Inherited variables whose value this says is a secret are not handed down either. */
  isSecretValue?: (value: string) => boolean;
}

export interface TestRunResult {
  /** Null when the command was ended by a signal (for example after a time-out). */
  exitCode: number | null;
  timedOut: boolean;
  /** Standard output and error interleaved as they arrived; only the tail when it was long. */
  output: string;
  durationMs: number;
}

/**
 * Runs the project's test command in its own process group, so that on time-out or abort the whole
 * tree it started (runners, workers, servers) is killed, not just the shell. Settles only after that
 * group is gone. Leftover background processes are also ended once the command itself exits.
 */
export async function runTestCommand(options: TestRunOptions): Promise<TestRunResult> {
  const { signal } = options;
  const clock = options.clock ?? systemClock;
  const graceMs = options.killGraceMs ?? 2_000;
  if (signal?.aborted) throw abortReason(signal);
  const started = clock.now();
  const output = new OutputTail(options.maxOutputBytes ?? 200 * 1024);

  const env = testEnvironment(options.env, process.env, options.isSecretValue);
  const sandboxed = options.sandbox?.sandbox.wrap(options.command, {
    worktree: options.cwd,
    readable: options.sandbox.readable,
    hidden: options.sandbox.hidden,
    network: options.sandbox.network,
    env: definedOnly(env),
  });
  const spawnOptions = {
    cwd: options.cwd,
    env,
    // Its own process group (POSIX), so one signal reaches every descendant outside a sandbox, and the
    // sandbox itself (whose end takes everything inside with it) within one.
    detached: process.platform !== 'win32',
    // The sandbox's info descriptor, when it has one, names its first process (see SandboxedCommand).
    stdio: (sandboxed?.infoFd === 3 ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe']) satisfies StdioOptions,
    windowsHide: true,
  };
  const child = sandboxed ? spawn(sandboxed.file, sandboxed.args, spawnOptions) : spawn(options.command, { ...spawnOptions, shell: true });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  const sandboxInit = sandboxed?.infoFd === 3 ? readSandboxInit(child.stdio[3] as Readable | null) : undefined;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exited = new Promise<{ kind: 'exit'; code: number | null } | { kind: 'error'; error: Error }>((resolve) => {
    child.once('exit', (code) => resolve({ kind: 'exit', code }));
    child.once('error', (error) => resolve({ kind: 'error', error }));
  });

  const stopTimer = new AbortController();
  let onAbort: (() => void) | undefined;
  const stopRequested = new Promise<{ kind: 'timeout' | 'abort' }>((resolve) => {
    clock.sleep(options.timeoutMs, stopTimer.signal).then(
      () => resolve({ kind: 'timeout' }),
      () => undefined,
    );
    onAbort = () => resolve({ kind: 'abort' });
    signal?.addEventListener('abort', onAbort, { once: true });
  });

  try {
    const first = await Promise.race([exited, stopRequested]);
    if (first.kind === 'error') throw first.error;
    // What the sandbox started runs in its PID namespace, which ending bubblewrap does not always end
    // (its first process may not yet have set itself to die with it): that namespace is ended too.
    const init = sandboxInit?.current();
    // Rare: stopped before the sandbox said which process is its first; its tree still tells, for now.
    const found = sandboxed && init === undefined && child.pid !== undefined ? await descendantNamespaces(child.pid) : new Set<string>();
    await endProcessTree(child, first.kind !== 'exit', clock, graceMs);
    const ended = await exited;
    if (init) await endNamespaceThroughInit(init, NAMESPACE_STUCK_LIMIT_MS);
    for (const namespace of found) {
      await killNamespace(namespace);
      await waitForNamespaceExit(namespace, NAMESPACE_STUCK_LIMIT_MS);
    }
    // Pipes close once every writer is gone; one that escaped the group could hold them open.
    const closeWait = new AbortController();
    await Promise.race([closed, clock.sleep(graceMs, closeWait.signal).catch(() => undefined)]);
    closeWait.abort();
    child.stdout?.destroy();
    child.stderr?.destroy();

    if (first.kind === 'abort') throw abortReason(signal!);
    return {
      exitCode: ended.kind === 'exit' ? ended.code : null,
      timedOut: first.kind === 'timeout',
      output: output.text(),
      durationMs: clock.now() - started,
    };
  } finally {
    stopTimer.abort();
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** Longest wait for a sandbox's namespace to empty once its processes were sent SIGKILL: only a process stuck in the kernel takes longer. */
const NAMESPACE_STUCK_LIMIT_MS = 10_000;

/**
 * Reads the sandbox's info descriptor (`{"child-pid": 123, "pid-namespace": 4026532252}`): its first
 * process, the init of its PID namespace. `current()` is what was learnt so far: undefined when the
 * sandbox was ended before it said.
 */
function readSandboxInit(info: Readable | null): { current(): NamespaceInit | undefined } {
  let init: NamespaceInit | undefined;
  let text = '';
  info?.setEncoding('utf8');
  info?.on('data', (chunk: string) => {
    text += chunk;
    const pid = /"child-pid"\s*:\s*(\d+)/.exec(text)?.[1];
    const namespace = /"pid-namespace"\s*:\s*(\d+)/.exec(text)?.[1];
    if (pid === undefined || namespace === undefined || init !== undefined) return;
    init = { pid: Number(pid), namespace: `pid:[${namespace}]` };
  });
  info?.on('error', () => undefined);
  return { current: () => init };
}

async function endProcessTree(child: ChildProcess, stopRequested: boolean, clock: Clock, graceMs: number): Promise<void> {
  if (child.pid === undefined) return;
  if (process.platform === 'win32') {
    // No process groups here: only the shell can be ended (its descendants would need `taskkill /T`).
    if (stopRequested) child.kill();
    return;
  }
  // Also after a normal exit: background processes the tests left behind must not outlive them.
  await terminateProcessGroup(child.pid, { clock, graceMs });
}

/** Inherited variables whose names say they hold a credential (model keys, tokens). */
const SECRET_NAME = /(?:^|_)(?:API_?KEYS?|TOKEN|SECRET|SECRET_KEY|PASSWORD|ACCESS_KEY|PRIVATE_KEY)$/i;

/**
 * The environment tests run with. Model-written code runs here and its output reaches logs and
 * prompts, so credentials lldflow holds are not handed down; `extra` can pass what tests need.
 */
export function testEnvironment(
  extra?: Record<string, string | undefined>,
  inherited: Record<string, string | undefined> = process.env,
  isSecretValue: (value: string) => boolean = () => false,
): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(inherited)) {
    if (!SECRET_NAME.test(name) && !(value !== undefined && isSecretValue(value))) environment[name] = value;
  }
  // Both colour switches: some libraries (tinyrainbow in vitest) read any FORCE_COLOR as "on".
  Object.assign(environment, extra, { CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' });
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) delete environment[name];
  }
  return environment;
}

function definedOnly(environment: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
