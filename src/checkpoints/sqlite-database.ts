import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { WorkflowName } from '../core/items.js';
import { CHECKPOINT_SCHEMA_VERSION, CheckpointIoError, CheckpointSchemaError, type Checkpoint, type CheckpointStatus } from './store.js';

/*
 * The on-disk layout of one item's checkpoint: `meta` (one row: schema version, owner, last status) and
 * `steps` (every committed step; the highest is the one to resume from). Bump
 * CHECKPOINT_SCHEMA_VERSION when this changes.
 */
const CREATE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    schema_version INTEGER NOT NULL,
    workflow TEXT NOT NULL,
    item_id TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS steps (
    step INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    state TEXT NOT NULL,
    committed_at TEXT NOT NULL
  );
`;

interface MetaRow {
  schema_version: number;
  workflow: string;
  item_id: string;
  status: CheckpointStatus;
  error: string | null;
  updated_at: string;
}

interface StepRow {
  step: number;
  stage: string;
  state: string;
}

/** Opens an item database for writing (WAL), after checking it is one of ours. */
export function openWritable(path: string, options: { fileMustExist: boolean }): Database.Database | undefined {
  const database = openDatabase(path, { readonly: false, fileMustExist: options.fileMustExist });
  if (database === undefined) {
    return undefined;
  }
  try {
    // Checked first: switching journal mode would rewrite the header of a file that is not ours.
    checkSchema(database, path);
    // Our files are created in WAL mode, so the switch only ever changes a brand-new, empty file:
    // nothing to make durable, and with synchronous still FULL it would cost fsyncs on the event loop.
    database.pragma('synchronous = OFF');
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    return database;
  } catch (error) {
    database.close();
    throw checkpointError(error, path, 'read');
  }
}

/** Opens a database file; undefined when `fileMustExist` and it vanished in the meantime. */
export function openDatabase(path: string, options: { readonly: boolean; fileMustExist: boolean }): Database.Database | undefined {
  try {
    return new Database(path, options);
  } catch (error) {
    if (options.fileMustExist && isErrorCode(error, 'SQLITE_CANTOPEN') && !existsSync(path)) {
      return undefined;
    }
    throw checkpointError(error, path, options.readonly ? 'read' : 'write');
  }
}

export function readCheckpoint(database: Database.Database, path: string, workflow: WorkflowName, itemId: string): Checkpoint | undefined {
  const read = database.transaction(() => {
    const meta = checkSchema(database, path);
    if (meta === undefined) {
      return undefined;
    }
    if (meta.workflow !== workflow || meta.item_id !== itemId) {
      throw new CheckpointSchemaError(
        `checkpoint database ${path} belongs to ${meta.workflow} item ${meta.item_id}, not ${workflow} item ${itemId}`,
      );
    }
    const last = database.prepare('SELECT step, stage, state FROM steps ORDER BY step DESC LIMIT 1').get() as StepRow | undefined;
    return last === undefined ? undefined : { meta, last };
  });
  let found: { meta: MetaRow; last: StepRow } | undefined;
  try {
    found = read();
  } catch (error) {
    throw checkpointError(error, path, 'read');
  }
  if (found === undefined) {
    return undefined;
  }
  let state: unknown;
  try {
    state = JSON.parse(found.last.state);
  } catch (error) {
    throw new CheckpointSchemaError(`checkpoint database ${path} holds unreadable state at step ${found.last.step}`, { cause: error });
  }
  return {
    workflow,
    itemId,
    step: found.last.step,
    stage: found.last.stage,
    state,
    status: found.meta.status,
    error: found.meta.error,
    updatedAt: found.meta.updated_at,
  };
}

/** The meta row of a checkpoint database, undefined for an empty file; throws for anything else. */
function checkSchema(database: Database.Database, path: string): MetaRow | undefined {
  const tables = database.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
  if (tables.length === 0) {
    return undefined;
  }
  if (!tables.includes('meta') || !tables.includes('steps')) {
    throw new CheckpointSchemaError(`${path} is not an lldflow checkpoint database (no meta/steps tables)`);
  }
  const meta = database.prepare('SELECT * FROM meta WHERE id = 1').get() as MetaRow | undefined;
  // Prepared for a first commit that has not happened yet: no checkpoint, not a broken one.
  if (meta === undefined && database.prepare('SELECT COUNT(*) FROM steps').pluck().get() === 0) {
    return undefined;
  }
  if (meta === undefined) {
    throw new CheckpointSchemaError(`${path} is not an lldflow checkpoint database (no meta row)`);
  }
  if (typeof meta.schema_version === 'number' && meta.schema_version > CHECKPOINT_SCHEMA_VERSION) {
    throw new CheckpointSchemaError(
      `checkpoint database ${path} has schema version ${String(meta.schema_version)}, written by a newer lldflow (this one reads version ${CHECKPOINT_SCHEMA_VERSION}): resume the item with that lldflow, or delete the file to start the item afresh`,
      { kind: 'newer-schema' },
    );
  }
  if (meta.schema_version !== CHECKPOINT_SCHEMA_VERSION) {
    throw new CheckpointSchemaError(
      `checkpoint database ${path} has schema version ${String(meta.schema_version)}, which no lldflow writes (this one reads version ${CHECKPOINT_SCHEMA_VERSION})`,
    );
  }
  return meta;
}

function hasTable(database: Database.Database, name: string): boolean {
  return database.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

/**
 * What went wrong with a checkpoint file, named: garbage, a truncated or a foreign database is an
 * `unreadable` CheckpointSchemaError; a full disk, a read-only folder or an I/O error is a
 * CheckpointIoError with the code; anything else passes unchanged.
 */
export function checkpointError(error: unknown, path: string, action: 'read' | 'write'): unknown {
  if (error instanceof CheckpointSchemaError || error instanceof CheckpointIoError) {
    return error;
  }
  const detail = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code === 'SQLITE_ERROR' || code?.startsWith('SQLITE_CORRUPT_')) {
    return new CheckpointSchemaError(`${path} is not a readable lldflow checkpoint database: ${detail}`, { cause: error });
  }
  if (code !== undefined && (IO_CODES.has(code) || IO_CODE_FAMILIES.some((family) => code.startsWith(family)) || /^E[A-Z]+$/.test(code))) {
    return new CheckpointIoError(path, code, action, detail.replace(/^E[A-Z]+: /, '').replace(/, \w+ '[^']*'$/, ''), { cause: error });
  }
  return error;
}

/** SQLite result codes that mean the disk or the file system failed, not the file's content. */
const IO_CODES = new Set(['SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH', 'SQLITE_NOLFS', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
const IO_CODE_FAMILIES = ['SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN_', 'SQLITE_BUSY_'];

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

export function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}

/** Appends the next step and marks the item running, in one transaction. */
export function appendStep(database: Database.Database, entry: AppendedStep): void {
  appenderFor(database).immediate(entry);
}

type Appender = ((entry: AppendedStep) => void) & { immediate(entry: AppendedStep): void };

// The statements and the transaction are prepared once per database, not once per commit.
const appenders = new WeakMap<Database.Database, Appender>();

function appenderFor(database: Database.Database): Appender {
  let appender = appenders.get(database);
  if (appender) return appender;
  database.exec(CREATE_SCHEMA);
  const insertMeta = database.prepare(
    `INSERT OR IGNORE INTO meta (id, schema_version, workflow, item_id, status, error, updated_at)
     VALUES (1, ?, ?, ?, 'running', NULL, ?)`,
  );
  const lastStep = database.prepare('SELECT MAX(step) FROM steps').pluck();
  const insertStep = database.prepare('INSERT INTO steps (step, stage, state, committed_at) VALUES (?, ?, ?, ?)');
  const markRunning = database.prepare(`UPDATE meta SET status = 'running', error = NULL, updated_at = ? WHERE id = 1`);
  // IMMEDIATE (used by appendStep) takes the write lock up front, so a concurrent reader never forces a busy lock upgrade.
  appender = database.transaction((entry: AppendedStep) => {
    insertMeta.run(CHECKPOINT_SCHEMA_VERSION, entry.workflow, entry.itemId, entry.now);
    const last = lastStep.get() as number | null;
    insertStep.run((last ?? 0) + 1, entry.stage, entry.stateJson, entry.now);
    markRunning.run(entry.now);
  });
  appenders.set(database, appender);
  return appender;
}

export interface AppendedStep {
  workflow: WorkflowName;
  itemId: string;
  stage: string;
  stateJson: string;
  now: string;
}

/** Records how the item ended; does nothing in a database that holds no checkpoint yet. */
export function updateStatus(database: Database.Database, status: CheckpointStatus, error: string | null, now: string): void {
  if (hasTable(database, 'meta')) {
    database.prepare('UPDATE meta SET status = ?, error = ?, updated_at = ? WHERE id = 1').run(status, error, now);
  }
}
