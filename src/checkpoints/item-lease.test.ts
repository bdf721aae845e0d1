import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tryExclusiveLock } from '../files/exclusive-lock.js';
import { startChildHolder, type ChildHolder } from '../files/testing/child-holder.js';
import { describeHolder, FileItemLeases, type LeaseAttempt } from './item-lease.js';

const LEASE_MODULE = fileURLToPath(new URL('./item-lease.ts', import.meta.url));
/** Takes lld item 7's lease in another process (repository argv[1], run id argv[2]) and holds it until killed. */
const HOLD_LEASE = `
const { pathToFileURL } = await import('node:url');
const { FileItemLeases } = await import(pathToFileURL(${JSON.stringify(LEASE_MODULE)}).href);
const attempt = await new FileItemLeases(process.argv[1], { runId: process.argv[2] }).acquire('lld', '7');
console.log(attempt.kind === 'leased' ? 'ready' : 'held');
setInterval(() => undefined, 60_000);
`;

let repo: string;
let holder: ChildHolder | undefined;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'lldflow-lease-'));
});
afterEach(async () => {
  await holder?.kill();
  holder = undefined;
  await rm(repo, { recursive: true, force: true });
});

function leased(attempt: LeaseAttempt): Extract<LeaseAttempt, { kind: 'leased' }> {
  if (attempt.kind !== 'leased') throw new Error(`expected the lease, got: ${describeHolder(attempt.holder)}`);
  return attempt;
}

describe('FileItemLeases', () => {
  it('gives an item to one holder at a time, names it to the others, and frees it on release', async () => {
    const mine = new FileItemLeases(repo, { runId: 'run-a' });
    const other = new FileItemLeases(repo, { runId: 'run-b' });
    const first = leased(await mine.acquire('lld', '7'));
    const refused = await other.acquire('lld', '7');
    expect(refused.kind).toBe('held');
    const holder = refused.kind === 'held' ? refused.holder : undefined;
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname(), runId: 'run-a' });
    expect(Date.parse(holder!.startedAt)).toBeLessThanOrEqual(Date.now());
    // Another item, or the same id in another workflow, is a different lease.
    leased(await other.acquire('lld', '8')).lease.release();
    leased(await other.acquire('implement', '7')).lease.release();

    first.lease.release();
    first.lease.release();
    expect(existsSync(join(mine.folder, 'lld-7.holder.json'))).toBe(false);
    const second = leased(await other.acquire('lld', '7'));
    expect(JSON.parse(readFileSync(join(other.folder, 'lld-7.holder.json'), 'utf8'))).toMatchObject({ runId: 'run-b' });
    second.lease.release();
  });

  it("names another process as holder, and takes over that process's lease once it is killed (kill -9)", async () => {
    holder = await startChildHolder(HOLD_LEASE, [repo, 'run-child']);
    const leases = new FileItemLeases(repo, { runId: 'run-parent' });
    const refused = await leases.acquire('lld', '7');
    expect(refused).toMatchObject({ kind: 'held', holder: { pid: holder.child.pid, runId: 'run-child' } });
    expect(describeHolder(refused.kind === 'held' ? refused.holder : undefined)).toMatch(
      new RegExp(`^held by another lldflow run \\(pid ${holder.child.pid}, started \\d{4}-\\d\\d-\\d\\dT[^,]+, run run-child\\)$`),
    );

    await holder.kill();
    holder = undefined;
    // No waiting for anything to go stale: the OS released the lock with the process.
    const taken = leased(await leases.acquire('lld', '7'));
    expect(JSON.parse(readFileSync(join(leases.folder, 'lld-7.holder.json'), 'utf8'))).toMatchObject({ pid: process.pid });
    taken.lease.release();
  });

  it('says it cannot name the holder when the holder file is a dead process leftover', async () => {
    const leases = new FileItemLeases(repo, { runId: 'run-a' });
    const lock = tryExclusiveLock(join(leases.folder, 'lld-7.lock'))!;
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(
      join(leases.folder, 'lld-7.holder.json'),
      JSON.stringify({ pid: dead, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', runId: 'old' }),
    );
    try {
      expect(await leases.acquire('lld', '7')).toEqual({ kind: 'held', holder: undefined });
    } finally {
      lock.release();
    }
    expect(describeHolder(undefined)).toBe('held by another lldflow run (it has not said which yet)');
  });

  it('names the host of a holder on another machine', () => {
    expect(describeHolder({ pid: 12, hostname: 'build-box-2', startedAt: '2026-01-01T00:00:00.000Z', runId: 'r' })).toBe(
      'held by another lldflow run (pid 12 on build-box-2, started 2026-01-01T00:00:00.000Z, run r)',
    );
  });

  it('refuses ids that are not safe path parts', async () => {
    await expect(new FileItemLeases(repo, { runId: 'r' }).acquire('lld', '../7')).rejects.toThrow(/invalid item id/);
  });
});
