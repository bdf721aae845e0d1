import { existsSync, renameSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { systemClock, type Clock } from '../clock/clock.js';
import { createFolderSync, FileWriteError } from '../files/atomic-write.js';
import { isValidItemId } from '../core/item-id.js';
import { WORKFLOW_NAMES, type WorkflowName } from '../core/items.js';
import { checkpointFileName, inRepository, repositoryPaths } from '../core/paths.js';
import { compareListEntries } from './list-order.js';
import { promiseOf } from './promise-of.js';
import { appendStep, checkpointError, isErrorCode, openDatabase, openWritable, readCheckpoint, updateStatus } from './sqlite-database.js';
import {
  CheckpointIoError,
  CheckpointSchemaError,
  type Checkpoint,
  type CheckpointInspection,
  type CheckpointStatus,
  type CheckpointStore,
  type CheckpointStoreFactory,
} from './store.js';

const DATABASE_FILE = /^(lld|issue|implement)-([A-Za-z0-9_-]{1,64})\.sqlite$/;
/** A checkpoint moved aside by `setAside` (its `-wal`/`-shm` side files, if any, are not listed). */
const SET_ASIDE_FILE = /^(lld|issue|implement)-([A-Za-z0-9_-]{1,64})\.sqlite\.corrupt-[0-9TZ-]+$/;
/** The files of one SQLite database: the database, its write-ahead log and shared memory, a rollback journal. */
const DATABASE_SUFFIXES = ['', '-wal', '-shm', '-journal'] as const;

/**
 * One SQLite database per item at `<repo>/.lldflow/checkpoints/<workflow>-<id>.sqlite`, so parallel
 * items never contend for one file and finishing an item is deleting its file. WAL with
 * synchronous=NORMAL: a killed process loses nothing committed (only a power cut can lose the last
 * commits), and readers (`lldflow status`) never block the writer.
 */
export class SqliteCheckpointStoreFactory implements CheckpointStoreFactory {
  readonly folder: string;

  constructor(
    repoRoot: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.folder = inRepository(repoRoot, repositoryPaths.checkpointsFolder);
  }

  /** The database file of one item (it may not exist). */
  pathOf(workflow: WorkflowName, itemId: string): string {
    // Ids are validated where they enter, but this is where they become a path.
    if (!WORKFLOW_NAMES.includes(workflow) || !isValidItemId(itemId)) {
      throw new Error(`refusing checkpoint path for workflow ${JSON.stringify(workflow)}, item ${JSON.stringify(itemId)}`);
    }
    return join(this.folder, checkpointFileName(workflow, itemId));
  }

  open(workflow: WorkflowName, itemId: string): Promise<CheckpointStore> {
    return promiseOf(() => new SqliteCheckpointStore(this.pathOf(workflow, itemId), workflow, itemId, this.clock));
  }

  async peek(workflow: WorkflowName, itemId: string): Promise<Checkpoint | undefined> {
    const inspection = await this.inspect(workflow, itemId);
    return inspection.kind === 'ok' ? inspection.checkpoint : undefined;
  }

  inspect(workflow: WorkflowName, itemId: string): Promise<CheckpointInspection> {
    return promiseOf((): CheckpointInspection => {
      const path = this.pathOf(workflow, itemId);
      try {
        // Read-only and never created: `lldflow status` must not leave files behind for unknown items.
        const database = existsSync(path) ? openDatabase(path, { readonly: true, fileMustExist: true }) : undefined;
        if (database === undefined) {
          return { kind: 'none' };
        }
        try {
          const checkpoint = readCheckpoint(database, path, workflow, itemId);
          return checkpoint === undefined ? { kind: 'none' } : { kind: 'ok', checkpoint };
        } finally {
          database.close();
        }
      } catch (error) {
        const named = checkpointError(error, path, 'read');
        if (named instanceof CheckpointSchemaError) return { kind: 'damaged', problem: named.kind, path, message: named.message };
        if (named instanceof CheckpointIoError) return { kind: 'damaged', problem: 'io', path, message: named.message };
        throw error;
      }
    });
  }

  async list(workflow?: WorkflowName): Promise<Array<{ workflow: WorkflowName; itemId: string }>> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) {
        return [];
      }
      throw error;
    }
    const entries: Array<{ workflow: WorkflowName; itemId: string }> = [];
    for (const name of names) {
      const match = DATABASE_FILE.exec(name);
      const fileWorkflow = match?.[1] as WorkflowName | undefined;
      const itemId = match?.[2];
      if (fileWorkflow !== undefined && itemId !== undefined && (workflow === undefined || workflow === fileWorkflow)) {
        entries.push({ workflow: fileWorkflow, itemId });
      }
    }
    return entries.sort(compareListEntries);
  }

  async listSetAside(): Promise<Array<{ workflow: WorkflowName; itemId: string; path: string }>> {
    const names = await readdir(this.folder).catch((error: unknown) => {
      if (isErrorCode(error, 'ENOENT')) return [] as string[];
      throw error;
    });
    return names.sort().flatMap((name) => {
      const match = SET_ASIDE_FILE.exec(name);
      return match ? [{ workflow: match[1] as WorkflowName, itemId: match[2]!, path: join(this.folder, name) }] : [];
    });
  }
}

class SqliteCheckpointStore implements CheckpointStore {
  private database: Database.Database | undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly workflow: WorkflowName,
    private readonly itemId: string,
    private readonly clock: Clock,
  ) {}

  load(): Promise<Checkpoint | undefined> {
    return promiseOf(() => {
      const database = this.existingDatabase();
      return database === undefined ? undefined : readCheckpoint(database, this.path, this.workflow, this.itemId);
    });
  }

  commit(step: { stage: string; state: unknown }): Promise<void> {
    return promiseOf(() => this.commitNow(step));
  }

  private commitNow(step: { stage: string; state: unknown }): void {
    // Serialised before touching the file so unserialisable state fails without creating anything.
    const stateJson = JSON.stringify(step.state) ?? 'null';
    const database = this.writableDatabase();
    try {
      appendStep(database, { workflow: this.workflow, itemId: this.itemId, stage: step.stage, stateJson, now: this.now() });
    } catch (error) {
      // A full disk, a read-only folder: the item fails naming this file; the last commit stays intact.
      throw checkpointError(error, this.path, 'write');
    }
  }

  setStatus(status: CheckpointStatus, error?: string): Promise<void> {
    return promiseOf(() => {
      const database = this.existingDatabase();
      if (database !== undefined) {
        try {
          updateStatus(database, status, error ?? null, this.now());
        } catch (failure) {
          throw checkpointError(failure, this.path, 'write');
        }
      }
    });
  }

  async remove(): Promise<void> {
    this.assertOpen();
    // Closing copies the WAL into the database with fsyncs; the files are deleted next, so skip them.
    this.closeDatabase({ durable: false });
    for (const suffix of DATABASE_SUFFIXES) {
      await rm(`${this.path}${suffix}`, { force: true }).catch((error: unknown) => {
        throw checkpointError(error, `${this.path}${suffix}`, 'write');
      });
    }
  }

  setAside(): Promise<string | undefined> {
    return promiseOf(() => {
      this.assertOpen();
      this.closeDatabase({ durable: false });
      if (!existsSync(this.path)) return undefined;
      const target = this.setAsidePath();
      // The side files move with it under SQLite's own naming, so the moved database opens whole.
      for (const suffix of DATABASE_SUFFIXES) {
        try {
          renameSync(`${this.path}${suffix}`, `${target}${suffix}`);
        } catch (error) {
          if (!isErrorCode(error, 'ENOENT')) throw checkpointError(error, `${this.path}${suffix}`, 'write');
        }
      }
      return target;
    });
  }

  /** `<name>.corrupt-<time>`, with a counter when one from the same second exists. */
  private setAsidePath(): string {
    const time = new Date(this.clock.now())
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replaceAll(':', '-');
    let candidate = `${this.path}.corrupt-${time}`;
    for (let counter = 2; existsSync(candidate); counter++) candidate = `${this.path}.corrupt-${time}-${counter}`;
    return candidate;
  }

  private closeDatabase(options: { durable: boolean }): void {
    if (this.database === undefined) return;
    try {
      if (!options.durable) this.database.pragma('synchronous = OFF');
    } finally {
      try {
        this.database.close();
      } finally {
        this.database = undefined;
      }
    }
  }

  close(): Promise<void> {
    return promiseOf(() => {
      this.database?.close();
      this.database = undefined;
      this.closed = true;
    });
  }

  /** The open database, or the file's if it exists; never creates one. */
  private existingDatabase(): Database.Database | undefined {
    this.assertOpen();
    if (this.database === undefined && existsSync(this.path)) {
      this.database = openWritable(this.path, { fileMustExist: true });
    }
    return this.database;
  }

  private writableDatabase(): Database.Database {
    this.assertOpen();
    if (this.database === undefined) {
      try {
        createFolderSync(dirname(this.path));
      } catch (error) {
        if (error instanceof FileWriteError) throw new CheckpointIoError(this.path, error.code, 'write', error.reason, { cause: error });
        throw error;
      }
      this.database = openWritable(this.path, { fileMustExist: false });
    }
    if (this.database === undefined) {
      throw new Error(`could not open checkpoint database ${this.path}`);
    }
    return this.database;
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new Error(`checkpoint store ${this.path} is closed`);
    }
  }
}
