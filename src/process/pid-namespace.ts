import { readdir, readlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { readProcess, readProcessTable } from './process-table.js';

/**
 * The PID namespace a process runs in (`pid:[4026532801]`), or undefined when it cannot be read (the
 * process is gone, or this is not Linux).
 */
export async function pidNamespaceOf(pid: number): Promise<string | undefined> {
  return readlink(`/proc/${pid}/ns/pid`).catch(() => undefined);
}

/** The processes running in `namespace` (a zombie's namespace link cannot be read: it runs nothing). */
async function processesIn(namespace: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (/^\d+$/.test(entry) && (await pidNamespaceOf(Number(entry))) === namespace) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Resolves once no process runs in `namespace` any more, or after `limitMs`. A sandbox's namespace is
 * torn down by the kernel once its first process ends, a moment after the sandbox's own process has
 * exited: waiting for it is what lets a caller say that nothing the sandbox started still runs.
 * Polls in real time: it waits on the operating system, which no test clock can move.
 */
export async function waitForNamespaceExit(namespace: string, limitMs: number, pollMs = 20): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if ((await processesIn(namespace)).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await delay(pollMs);
  }
}

/**
 * The PID namespaces of `pid`'s descendants other than this process's own: a sandbox's, once it has
 * started its first process. Read before the sandbox is ended, while the tree still hangs together.
 */
export async function descendantNamespaces(pid: number): Promise<Set<string>> {
  const parents = new Map((await readProcessTable()).map((entry) => [entry.pid, entry.parentPid]));
  const own = await pidNamespaceOf(process.pid);
  const namespaces = new Set<string>();
  for (const candidate of parents.keys()) {
    let ancestor = parents.get(candidate);
    for (let depth = 0; ancestor !== undefined && ancestor > 1 && ancestor !== pid && depth < 64; depth++) ancestor = parents.get(ancestor);
    if (ancestor !== pid) continue;
    const namespace = await pidNamespaceOf(candidate);
    if (namespace !== undefined && namespace !== own) namespaces.add(namespace);
  }
  return namespaces;
}

/**
 * Kills every process of `namespace` (never this process's own namespace). Ending a sandbox's first
 * process tears its namespace down, but only if that process learnt in time that it must die with its
 * parent; this does not rely on it.
 */
export async function killNamespace(namespace: string): Promise<void> {
  if (namespace === (await pidNamespaceOf(process.pid))) return;
  for (const pid of await processesIn(namespace)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}

/** A sandbox's first process: the init of its PID namespace (`NSpid … 1`), as the sandbox reported it. */
export interface NamespaceInit {
  pid: number;
  namespace: string;
}

/**
 * Ends a PID namespace through its init: killing the init makes the kernel kill every other process
 * of the namespace, and the init has not finished exiting until they all have. So once `init.pid` no
 * longer runs in the namespace (gone, or a zombie: with bubblewrap gone, the system's init reaps it,
 * which in containers can take seconds) nothing does.
 * Looks at that one process only: cheap enough for every test run. Resolves false after `limitMs`.
 */
export async function endNamespaceThroughInit(init: NamespaceInit, limitMs: number, pollMs = 10): Promise<boolean> {
  // The namespace is checked first: a pid the system reused for an unrelated process is never killed.
  if ((await pidNamespaceOf(init.pid)) !== init.namespace) return true;
  try {
    process.kill(init.pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
  const deadline = Date.now() + limitMs;
  while ((await pidNamespaceOf(init.pid)) === init.namespace && !(await isZombie(init.pid))) {
    if (Date.now() >= deadline) return false;
    await delay(pollMs);
  }
  return true;
}

async function isZombie(pid: number): Promise<boolean> {
  const state = (await readProcess(pid))?.state;
  return state === undefined || state === 'Z' || state === 'X';
}
