import { existsSync, mkdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { systemClock, type Clock } from '../clock/clock.js';
import { isValidItemId } from '../core/item-id.js';
import type { WorkflowName } from '../core/items.js';
import { checkpointFileName, inRepository, repositoryPaths } from '../core/paths.js';
import { compareListEntries } from './list-order.js';
import { promiseOf } from './promise-of.js';
import { appendStep, isErrorCode, openDatabase, openWritable, readCheckpoint, updateStatus } from './sqlite-database.js';
import type { Checkpoint, CheckpointStatus, CheckpointStore, CheckpointStoreFactory } from './store.js';

const WORKFLOWS: readonly WorkflowName[] = ['lld', 'issue', 'implement'];
const DATABASE_FILE = /^(lld|issue|implement)-([A-Za-z0-9_-]{1,64})\.sqlite$/;

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
    if (!WORKFLOWS.includes(workflow) || !isValidItemId(itemId)) {
      throw new Error(`refusing checkpoint path for workflow ${JSON.stringify(workflow)}, item ${JSON.stringify(itemId)}`);
    }
    return join(this.folder, checkpointFileName(workflow, itemId));
  }

  open(workflow: WorkflowName, itemId: string): Promise<CheckpointStore> {
    return promiseOf(() => new SqliteCheckpointStore(this.pathOf(workflow, itemId), workflow, itemId, this.clock));
  }

  peek(workflow: WorkflowName, itemId: string): Promise<Checkpoint | undefined> {
    return promiseOf(() => {
      const path = this.pathOf(workflow, itemId);
      // Read-only and never created: `lldflow status` must not leave files behind for unknown items.
      const database = existsSync(path) ? openDatabase(path, { readonly: true, fileMustExist: true }) : undefined;
      if (database === undefined) {
        return undefined;
      }
      try {
        return readCheckpoint(database, path, workflow, itemId);
      } finally {
        database.close();
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
    appendStep(database, { workflow: this.workflow, itemId: this.itemId, stage: step.stage, stateJson, now: this.now() });
  }

  setStatus(status: CheckpointStatus, error?: string): Promise<void> {
    return promiseOf(() => {
      const database = this.existingDatabase();
      if (database !== undefined) {
        updateStatus(database, status, error ?? null, this.now());
      }
    });
  }

  async remove(): Promise<void> {
    this.assertOpen();
    // Closing copies the WAL into the database with fsyncs; the files are deleted next, so skip them.
    this.database?.pragma('synchronous = OFF');
    this.database?.close();
    this.database = undefined;
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      await rm(`${this.path}${suffix}`, { force: true });
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
      mkdirSync(dirname(this.path), { recursive: true });
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
