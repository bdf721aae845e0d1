import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../clock/clock.js';
import { abortReason } from '../core/abort.js';

/*
 * Cross-process locks on a file, which the operating system releases when the holding process dies.
 *
 * Node has no flock(2). Of the ways around that, this takes SQLite's own file locking (better-sqlite3
 * is a dependency already): `BEGIN EXCLUSIVE` on an otherwise empty database file takes fcntl(2)
 * record locks that the kernel drops with the process, so a `kill -9` frees the lock at once and
 * there is nothing to go stale. SQLite also keeps those locks right between connections of one
 * process (fcntl locks alone do not), so two items of one run conflict like two processes do.
 * Rejected: a lock file created with `open(path, 'wx')` plus a pid liveness check — taking over a
 * dead holder's file atomically needs rename tricks that still race when two processes take over at
 * once, and pid reuse needs /proc start times; proper-lockfile is stale-based (mtime updates, a
 * dead holder blocks until the stale time passes).
 *
 * Rules that keep the locks sound: a lock file is never deleted (deleting it while another process
 * has it open lets two processes lock two different files under one name), never written (nothing
 * is ever committed: the file stays zero bytes), and never opened by anything but this module (a
 * plain open and close of the file by the holding process would drop its fcntl locks).
 */

/** A held lock; `release` is idempotent. */
export interface ExclusiveLock {
  readonly path: string;
  release(): void;
}

/** The lock file is not one SQLite can lock (for example something else was written into it). */
export class LockFileError extends Error {
  override readonly name = 'LockFileError';
}

/**
 * Takes the lock on `path` (created, with its folder, when missing) if no connection anywhere holds it;
 * undefined at once, without waiting, when one does.
 */
export function tryExclusiveLock(path: string): ExclusiveLock | undefined {
  mkdirSync(dirname(path), { recursive: true });
  // timeout 0: better-sqlite3 would otherwise retry for 5 s, blocking the event loop.
  const database = new Database(path, { timeout: 0 });
  try {
    database.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    database.close();
    if (isSqliteCode(error, 'SQLITE_BUSY') || isSqliteCode(error, 'SQLITE_LOCKED')) return undefined;
    const detail = error instanceof Error ? error.message : String(error);
    throw new LockFileError(`cannot lock ${path}: ${detail}; delete the file when no lldflow run is active`, { cause: error });
  }
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      try {
        database.exec('ROLLBACK');
      } finally {
        database.close();
      }
    },
  };
}

export interface WaitForLockOptions {
  /** Stops waiting: rejects with the signal's reason. */
  signal?: AbortSignal;
  /** How often another process's lock is tried again. Default 25 ms. */
  pollMs?: number;
  clock?: Clock;
}

/** The waiters of this process, per lock file: they queue here instead of polling against each other. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` holding the lock on `path`, waiting for it as long as it takes (or until `signal`
 * aborts); released when `work` settles. Work of this process queues in order; another process's
 * lock is polled. Not reentrant: `work` must not take the same lock again.
 */
export function withExclusiveLock<T>(path: string, work: () => Promise<T>, options: WaitForLockOptions = {}): Promise<T> {
  const previous = queues.get(path) ?? Promise.resolve();
  const run = async (): Promise<T> => {
    const lock = await waitForLock(path, options);
    try {
      return await work();
    } finally {
      lock.release();
    }
  };
  const result = previous.then(run, run);
  const tail = result.catch(() => undefined);
  queues.set(path, tail);
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path);
  });
  return result;
}

async function waitForLock(path: string, options: WaitForLockOptions): Promise<ExclusiveLock> {
  const clock = options.clock ?? systemClock;
  for (;;) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    const lock = tryExclusiveLock(path);
    if (lock) return lock;
    await clock.sleep(options.pollMs ?? 25, options.signal);
  }
}

function isSqliteCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
