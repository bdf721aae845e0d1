import { posix } from 'node:path';
import type { Sandbox, SandboxScope } from '../process/sandbox.js';
import { FORWARDER_PORT, forwarderArgv } from './loopback-forwarder.js';

/** The run's sandbox settings, as `implement` resolved them (`--sandbox`, `--sandbox-network`). */
export interface AgentSandboxSettings {
  sandbox: Sandbox;
  network: boolean;
  /** Shown read-only even where the sandbox has its own (the main repository: a worktree's git data lives in it). */
  readable: readonly string[];
  /** Hidden from the agent (lldflow's local state: checkpoints, logs, the other items' worktrees). */
  hidden: readonly string[];
}

/** Where one agent process works and how its model traffic leaves. */
export interface AgentPlacement {
  worktree: string;
  /** The agent's own folder (its sessions and settings): writable, and kept between runs. */
  stateDirectory: string;
  /** lldflow's key-leasing proxy: its loopback URL, and the Unix socket it also listens on. */
  proxy: { baseUrl: string; socketPath: string } | undefined;
  /** The agent's whole environment. */
  env: Readonly<Record<string, string>>;
}

/** Where the proxy's socket folder appears inside the sandbox (its /tmp is private, so nothing else is there). */
const SOCKET_FOLDER_INSIDE = '/tmp/lldflow-model-access';

/**
 * The URL the agent is given as its API root. Without a network of its own, the agent reaches the proxy
 * through the forwarder on the sandbox's loopback; otherwise it uses the proxy's loopback URL directly.
 */
export function agentBaseUrl(settings: AgentSandboxSettings, proxy: { baseUrl: string } | undefined): string | undefined {
  if (!proxy) return undefined;
  return throughForwarder(settings) ? `http://127.0.0.1:${FORWARDER_PORT}` : proxy.baseUrl;
}

/**
 * The program and arguments that run `argv` as the agent: inside bubblewrap (only the worktree and the
 * agent's state folder writable, its own PID namespace, no network but the way to the proxy), or as is
 * with `--sandbox none`. `inheritEnvironment` keeps the environment the caller starts the command with
 * (a wrapper an SDK starts with its own variables) instead of setting `placement.env`; `programFolders`
 * are shown read-only besides the program's own folder (what the program runs from its package).
 */
export function agentCommand(
  argv: readonly string[],
  settings: AgentSandboxSettings,
  placement: AgentPlacement,
  options: { nodePath: string; inheritEnvironment?: boolean; programFolders?: readonly string[] },
): { file: string; args: string[] } {
  const [program, ...rest] = argv;
  if (program === undefined) throw new RangeError('agentCommand needs a program to run');
  const forwarded = throughForwarder(settings) && placement.proxy;
  const inside = forwarded && placement.proxy ? forwarderArgv(options.nodePath, socketInside(placement.proxy.socketPath), argv) : [...argv];
  const scope: SandboxScope = {
    worktree: placement.worktree,
    // The agent's binary (and Node, for the forwarder) wherever they are installed: under /tmp they would be
    // hidden by the sandbox's private /tmp.
    readable: [
      ...settings.readable,
      ...new Set([posix.dirname(program), ...(forwarded ? [posix.dirname(options.nodePath)] : []), ...(options.programFolders ?? [])]),
    ],
    hidden: settings.hidden,
    network: settings.network,
    env: placement.env,
    binds: [
      { source: placement.stateDirectory, target: placement.stateDirectory },
      ...(forwarded && placement.proxy ? [{ source: posix.dirname(placement.proxy.socketPath), target: SOCKET_FOLDER_INSIDE }] : []),
    ],
    ...(options.inheritEnvironment ? { inheritEnvironment: true } : {}),
  };
  const wrapped = settings.sandbox.wrapProgram(inside, scope);
  return wrapped ? { file: wrapped.file, args: wrapped.args } : { file: program, args: rest };
}

function throughForwarder(settings: AgentSandboxSettings): boolean {
  return settings.sandbox.kind === 'bwrap' && !settings.network;
}

function socketInside(socketPath: string): string {
  return posix.join(SOCKET_FOLDER_INSIDE, posix.basename(socketPath));
}
