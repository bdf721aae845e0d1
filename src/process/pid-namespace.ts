import { readdir, readFile, readlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { readProcessTable } from './process-table.js';

/**
 * The PID namespace a process runs in (`pid:[4026532801]`), or undefined when it cannot be read (the
 * process is gone, or this is not Linux).
 */
export async function pidNamespaceOf(pid: number): Promise<string | undefined> {
  return readlink(`/proc/${pid}/ns/pid`).catch(() => undefined);
}

/** Whether any process other than a zombie still runs in `namespace`. */
async function namespaceHasProcesses(namespace: string): Promise<boolean> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    // A zombie's namespace link can no longer be read: it does not count, as it runs nothing.
    if ((await pidNamespaceOf(Number(entry))) === namespace) return true;
  }
  return false;
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
    if (!(await namespaceHasProcesses(namespace))) return true;
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
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || (await pidNamespaceOf(Number(entry))) !== namespace) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
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
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return true;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}
