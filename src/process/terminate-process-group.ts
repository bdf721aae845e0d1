import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../clock/clock.js';

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
  const entries = await readdir('/proc').catch(() => undefined);
  if (!entries) return true;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue;
    // "pid (command) state ppid pgrp …"; the command may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === groupId && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
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
