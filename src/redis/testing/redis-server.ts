import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { listenOnLoopback } from '../../providers/testing/listen-on-loopback.js';

/** A redis-server of a test's own, on 127.0.0.1. */
export interface RedisServer {
  url: string;
  port: number;
  /** Ends the server (SIGTERM, then SIGKILL after a grace) and removes its folder; safe to call twice. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would; `stop()` still removes its folder. */
  kill(): Promise<void>;
}

const READY = /Ready to accept connections/;
const PORT_TAKEN = /Address already in use/i;
const READY_WITHIN_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const PORT_ATTEMPTS = 5;

/** Servers not stopped yet: killed when the test process exits, so none outlives a crashed test run. */
const running = new Set<{ child: ChildProcess; folder: string }>();
process.once('exit', () => {
  for (const server of running) {
    server.child.kill('SIGKILL');
    rmSync(server.folder, { recursive: true, force: true });
  }
});

/**
 * Starts a real redis-server on a free loopback port, with nothing persisted (no RDB, no AOF) and a
 * temporary working folder, and resolves once it accepts connections. Every caller must `stop()` it.
 */
export async function startRedisServer(): Promise<RedisServer> {
  let lastProblem = '';
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    // Free when asked, but another process may take it before redis-server binds it: then try another.
    const port = await freeLoopbackPort();
    const started = await startOn(port);
    if (started.kind === 'started') return started.server;
    if (started.kind === 'failed') throw new Error(started.problem);
    lastProblem = started.problem;
  }
  throw new Error(`redis-server found no free port in ${PORT_ATTEMPTS} attempts: ${lastProblem}`);
}

type StartAttempt =
  { kind: 'started'; server: RedisServer } | { kind: 'port-taken'; problem: string } | { kind: 'failed'; problem: string };

async function startOn(port: number): Promise<StartAttempt> {
  const folder = await mkdtemp(join(tmpdir(), 'lldflow-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', folder],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const entry = { child, folder };
  running.add(entry);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else {
      child.once('close', () => resolve());
      // A program that never started (not installed) may not report a close.
      child.once('error', () => resolve());
    }
  });
  const output: string[] = [];
  const ready = await waitUntilReady(child, output);
  if (ready !== 'ready') {
    child.kill('SIGKILL');
    await exited;
    running.delete(entry);
    await rm(folder, { recursive: true, force: true });
    const problem =
      ready === 'not-installed' ? NOT_INSTALLED : `redis-server on port ${port} did not start (${ready}): ${output.join('\n')}`;
    return { kind: PORT_TAKEN.test(output.join('\n')) ? 'port-taken' : 'failed', problem };
  }

  let stopped: Promise<void> | undefined;
  const end = (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    kind: 'started',
    server: {
      url: `redis://127.0.0.1:${port}`,
      port,
      kill: () => end('SIGKILL'),
      stop: () =>
        (stopped ??= (async () => {
          const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          try {
            await end('SIGTERM');
          } finally {
            clearTimeout(grace);
          }
          running.delete(entry);
          await rm(folder, { recursive: true, force: true });
        })()),
    },
  };
}

const NOT_INSTALLED = 'redis-server is not installed (not on PATH): install it, for example with `apt-get install redis-server`';

/** Resolves `ready` once the server says it accepts connections, or why it never will. */
function waitUntilReady(child: ChildProcess, output: string[]): Promise<'ready' | 'not-installed' | 'exited' | 'timed out'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timed out'), READY_WITHIN_MS);
    const settle = (result: 'ready' | 'not-installed' | 'exited'): void => {
      clearTimeout(timer);
      resolve(result);
    };
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        if (READY.test(line)) settle('ready');
      });
    }
    child.once('error', (error: NodeJS.ErrnoException) => settle(error.code === 'ENOENT' ? 'not-installed' : 'exited'));
    child.once('exit', () => settle('exited'));
  });
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
