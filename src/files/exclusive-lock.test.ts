import { existsSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InterruptedError } from '../core/errors.js';
import { LockFileError, tryExclusiveLock, withExclusiveLock } from './exclusive-lock.js';
import { startChildHolder, type ChildHolder } from './testing/child-holder.js';

const LOCK_MODULE = fileURLToPath(new URL('./exclusive-lock.ts', import.meta.url));
/** Takes the lock on argv[1] in another process and holds it until killed. */
const HOLD_LOCK = `
const { pathToFileURL } = await import('node:url');
const { tryExclusiveLock } = await import(pathToFileURL(${JSON.stringify(LOCK_MODULE)}).href);
const lock = tryExclusiveLock(process.argv[1]);
console.log(lock ? 'ready' : 'busy');
setInterval(() => undefined, 60_000);
`;

let folder: string;
let holder: ChildHolder | undefined;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lldflow-lock-'));
});
afterEach(async () => {
  await holder?.kill();
  holder = undefined;
  await rm(folder, { recursive: true, force: true });
});

describe('tryExclusiveLock', () => {
  it('is exclusive within one process too, and free again once released', () => {
    const path = join(folder, 'nested', 'a.lock');
    const first = tryExclusiveLock(path);
    expect(first).toBeDefined();
    expect(tryExclusiveLock(path)).toBeUndefined();
    first!.release();
    first!.release();
    const second = tryExclusiveLock(path);
    expect(second).toBeDefined();
    second!.release();
    // Never written, never deleted.
    expect(statSync(path).size).toBe(0);
  });

  it('is refused while another process holds it, and free the moment that process is killed (kill -9)', async () => {
    const path = join(folder, 'a.lock');
    holder = await startChildHolder(HOLD_LOCK, [path]);
    expect(tryExclusiveLock(path)).toBeUndefined();
    await holder.kill();
    holder = undefined;
    const lock = tryExclusiveLock(path);
    expect(lock).toBeDefined();
    lock!.release();
  });

  it('names a lock file that something else wrote into', () => {
    const path = join(folder, 'a.lock');
    writeFileSync(path, 'not a database, but long enough to have a header that SQLite reads and refuses..........');
    expect(() => tryExclusiveLock(path)).toThrow(LockFileError);
    expect(() => tryExclusiveLock(path)).toThrow(/a\.lock/);
  });
});

describe('withExclusiveLock', () => {
  it("runs this process's work one at a time, in order", async () => {
    const path = join(folder, 'a.lock');
    const log: string[] = [];
    const work = (name: string) => async () => {
      log.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push(`${name} end`);
      return name;
    };
    const failing = withExclusiveLock(path, () => Promise.reject(new Error('boom')));
    const results = await Promise.all([
      withExclusiveLock(path, work('a')),
      failing.catch((error: Error) => error.message),
      withExclusiveLock(path, work('b')),
    ]);
    expect(results).toEqual(['a', 'boom', 'b']);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end']);
    const free = tryExclusiveLock(path);
    expect(free).toBeDefined();
    free!.release();
  });

  it('waits for another process to let go (here: to be killed)', async () => {
    const path = join(folder, 'a.lock');
    holder = await startChildHolder(HOLD_LOCK, [path]);
    let ran = false;
    const waiting = withExclusiveLock(path, () => Promise.resolve((ran = true)), { pollMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ran).toBe(false);
    await holder.kill();
    holder = undefined;
    await waiting;
    expect(ran).toBe(true);
  });

  it('stops waiting when its signal aborts, with the reason', async () => {
    const path = join(folder, 'a.lock');
    holder = await startChildHolder(HOLD_LOCK, [path]);
    const controller = new AbortController();
    const waiting = withExclusiveLock(path, () => Promise.resolve('ran'), { signal: controller.signal, pollMs: 10 });
    setTimeout(() => controller.abort(new InterruptedError('Ctrl+C')), 50);
    await expect(waiting).rejects.toThrow(InterruptedError);
    expect(existsSync(path)).toBe(true);
  });
});
