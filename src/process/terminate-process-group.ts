import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../clock/clock.js';
import { readProcessTable } from './process-table.js';

/**
 * Sends `signal` to every process of the group led by `groupId` (a child spawned `detached`).
 * Returns false when the group no longer exists.
 */
export function signalProcessGroup(groupId: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-groupId, signal);
    return true;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Whether any process of the group is still running. Zombies do not count: a killed grandchild whose
 * parent died is reaped by the system's init, which in containers can take seconds, yet it is gone.
 */
export async function isProcessGroupAlive(groupId: number): Promise<boolean> {
  if (!signalProcessGroup(groupId, 0)) return false;
  if (process.platform !== 'linux') return true;
  const table = await readProcessTable();
  // No /proc to read: the signal's answer is all there is.
  if (table.length === 0) return true;
  return table.some((entry) => entry.groupId === groupId && entry.state !== 'Z' && entry.state !== 'X');
}

/**
 * Resolves true once the group has no running process, or false when `signal` aborts first.
 * Polls in real time: it waits on the operating system, which no test clock can move.
 */
export async function waitForProcessGroupExit(groupId: number, signal?: AbortSignal, pollMs = 20): Promise<boolean> {
  while (!signal?.aborted) {
    if (!(await isProcessGroupAlive(groupId))) return true;
    try {
      await delay(pollMs, undefined, { signal });
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * Ends every process of the group: SIGTERM, then SIGKILL for whatever still runs after `graceMs`.
 * Resolves once the group is gone (or, should a process hang in the kernel, `stuckLimitMs` after
 * the SIGKILL).
 */
export async function terminateProcessGroup(
  groupId: number,
  options: { clock: Clock; graceMs: number; stuckLimitMs?: number },
): Promise<void> {
  if (!signalProcessGroup(groupId, 'SIGTERM')) return;
  const stop = new AbortController();
  const graceOver = options.clock.sleep(options.graceMs, stop.signal).then(
    () => 'grace-over' as const,
    () => 'stopped' as const,
  );
  const exited = waitForProcessGroupExit(groupId, stop.signal).then((gone) => (gone ? ('gone' as const) : ('stopped' as const)));
  const first = await Promise.race([exited, graceOver]);
  stop.abort();
  if (first === 'gone') return;

  signalProcessGroup(groupId, 'SIGKILL');
  await waitForProcessGroupExit(groupId, AbortSignal.timeout(options.stuckLimitMs ?? 10_000));
}
