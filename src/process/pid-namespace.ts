import { readdir, readlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

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
