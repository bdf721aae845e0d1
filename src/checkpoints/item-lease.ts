import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../clock/clock.js';
import { tryExclusiveLock } from '../files/exclusive-lock.js';
import { validateItemId } from '../core/item-id.js';
import { WORKFLOW_NAMES, type WorkflowName } from '../core/items.js';
import { inRepository, repositoryPaths } from '../core/paths.js';

/** Who holds an item's lease, as the holder wrote it down when it took the lease. */
export interface LeaseHolder {
  pid: number;
  hostname: string;
  /** ISO time the holding process started: with the pid, it names the process even after pid reuse. */
  startedAt: string;
  /** The holder's run id (its logs are under `.lldflow/logs/<run-id>`). */
  runId: string;
}

/** A taken lease; `release` is idempotent. The operating system releases it when the process dies. */
export interface ItemLease {
  release(): void;
}

export type LeaseAttempt =
  | { kind: 'leased'; lease: ItemLease }
  /** `holder` is undefined when the holder has not yet written (or could not write) who it is. */
  | { kind: 'held'; holder: LeaseHolder | undefined };

/**
 * One process per item: a run takes an item's lease before the item's first step and releases it when
 * the item ends; a run that cannot take it leaves the item to the holder. Never waits.
 */
export interface ItemLeases {
  acquire(workflow: WorkflowName, itemId: string): Promise<LeaseAttempt>;
}

const LEASES_FOLDER = repositoryPaths.leasesFolder;
/** Read once: `uptime` and the wall clock drift apart by milliseconds between readings. */
const PROCESS_STARTED_AT = new Date(Date.now() - Math.round(process.uptime() * 1000)).toISOString();

/**
 * Leases as files in `<repo>/.lldflow/leases/`: `<workflow>-<id>.lock`, held with an exclusive SQLite
 * lock (src/files/exclusive-lock.ts: released by the OS when the holder dies, so a killed run's items
 * are free at once and a lease is never stale), and `<workflow>-<id>.holder.json`, who holds it, for
 * the message of the run that finds it taken. Lock files are never deleted (see exclusive-lock.ts).
 */
export class FileItemLeases implements ItemLeases {
  readonly folder: string;
  private readonly holder: LeaseHolder;

  constructor(
    repoRoot: string,
    self: { runId: string },
    private readonly clock: Clock = systemClock,
  ) {
    this.folder = inRepository(repoRoot, LEASES_FOLDER);
    this.holder = { pid: process.pid, hostname: hostname(), startedAt: PROCESS_STARTED_AT, runId: self.runId };
  }

  async acquire(workflow: WorkflowName, itemId: string): Promise<LeaseAttempt> {
    const base = this.basePath(workflow, itemId);
    const lock = tryExclusiveLock(`${base}.lock`);
    if (lock === undefined) return { kind: 'held', holder: await this.readHolder(`${base}.holder.json`) };
    const holderFile = `${base}.holder.json`;
    try {
      // Synchronously right after the lock, so the window in which a holder is unnamed is as short as can be.
      writeHolderFile(holderFile, this.holder);
    } catch (error) {
      lock.release();
      throw error;
    }
    let held = true;
    return {
      kind: 'leased',
      lease: {
        release: () => {
          if (!held) return;
          held = false;
          // Removed while the lock is still held, so it can never remove the next holder's file.
          try {
            rmSync(holderFile, { force: true });
          } finally {
            lock.release();
          }
        },
      },
    };
  }

  /**
   * The holder as its file names it. A file naming a process that is gone is a dead holder's leftover
   * (the live one is about to overwrite it): read again a few times before giving up on a name.
   */
  private async readHolder(path: string): Promise<LeaseHolder | undefined> {
    for (let attempt = 0; ; attempt++) {
      const holder = readHolderFile(path);
      if (holder !== undefined && (holder.hostname !== this.holder.hostname || isProcessAlive(holder.pid))) return holder;
      if (attempt === 5) return undefined;
      await this.clock.sleep(20);
    }
  }

  private basePath(workflow: WorkflowName, itemId: string): string {
    if (!WORKFLOW_NAMES.includes(workflow)) throw new Error(`refusing lease path for workflow ${JSON.stringify(workflow)}`);
    return join(this.folder, `${workflow}-${validateItemId(itemId, 'lease')}`);
  }
}

/** `held by another lldflow run (pid 4242, started 2026-03-01T10:00:00.000Z, run 2026-03-01T10-00-01Z)`. */
export function describeHolder(holder: LeaseHolder | undefined): string {
  if (holder === undefined) return 'held by another lldflow run (it has not said which yet)';
  const host = holder.hostname === hostname() ? '' : ` on ${holder.hostname}`;
  return `held by another lldflow run (pid ${holder.pid}${host}, started ${holder.startedAt}, run ${holder.runId})`;
}

/** An item's lease as its holder file tells it. */
export interface RecordedLease {
  workflow: WorkflowName;
  itemId: string;
  holder: LeaseHolder;
  /** The holder is a live process; one on another machine counts as live (it cannot be checked from here). */
  live: boolean;
  /** Absolute path of the holder file. */
  holderFile: string;
}

/**
 * The leases the holder files in `<repo>/.lldflow/leases/` name, read without taking a lock (taking one
 * would make a run starting that moment skip the item). A holder that is no live process died holding
 * the lease: the OS released its lock, and the next lease of the item replaces its file.
 */
export function readRecordedLeases(repoRoot: string): RecordedLease[] {
  const folder = inRepository(repoRoot, LEASES_FOLDER);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => {
    const match = /^(lld|issue|implement)-([A-Za-z0-9_][A-Za-z0-9_-]{0,63})\.holder\.json$/.exec(name);
    if (!match) return [];
    const holderFile = join(folder, name);
    const holder = readHolderFile(holderFile);
    if (holder === undefined) return [];
    const live = holder.hostname !== hostname() || isProcessAlive(holder.pid);
    return [{ workflow: match[1] as WorkflowName, itemId: match[2]!, holder, live, holderFile }];
  });
}

function writeHolderFile(path: string, holder: LeaseHolder): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(holder)}\n`);
  renameSync(temporary, path);
}

function readHolderFile(path: string): LeaseHolder | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { pid, hostname: host, startedAt, runId } = parsed as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  if (typeof host !== 'string' || typeof startedAt !== 'string' || typeof runId !== 'string') return undefined;
  return { pid, hostname: host, startedAt, runId };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EPERM';
  }
}
