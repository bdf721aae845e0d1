import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { SqliteCheckpointStoreFactory } from './sqlite-store.js';
import { bindReadOnly, MountSet, mountTmpfs } from '../files/testing/mounts.js';
import { CHECKPOINT_SCHEMA_VERSION, CheckpointIoError, CheckpointSchemaError } from './store.js';
import { describeCheckpointStoreContract } from './store-contract.test-suite.js';

async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'lldflow-checkpoints-'));
}

describeCheckpointStoreContract('SqliteCheckpointStoreFactory', async () => {
  const repoRoot = await makeTempDir();
  return {
    factory: new SqliteCheckpointStoreFactory(repoRoot),
    cleanup: () => rm(repoRoot, { recursive: true, force: true }),
  };
});

describe('SqliteCheckpointStoreFactory on disk', () => {
  let repoRoot: string;
  let factory: SqliteCheckpointStoreFactory;

  beforeEach(async () => {
    repoRoot = await makeTempDir();
    factory = new SqliteCheckpointStoreFactory(repoRoot, new FakeClock(Date.UTC(2026, 4, 6, 7, 8, 9)));
  });

  afterEach(async () => {
    await rm(repoRoot, { recursive: true, force: true });
  });

  function writeForeignDatabase(path: string, setup: (database: Database.Database) => void): void {
    const database = new Database(path);
    try {
      setup(database);
    } finally {
      database.close();
    }
  }

  it('creates nothing until the first commit, then one file per item; remove deletes all its files', async () => {
    const store = await factory.open('lld', '42');
    expect(await store.load()).toBeUndefined();
    await store.setStatus('failed', 'never started');
    expect(await factory.peek('lld', '42')).toBeUndefined();
    expect(await factory.list()).toEqual([]);
    expect(existsSync(join(repoRoot, '.lldflow'))).toBe(false);

    await store.commit({ stage: 'draft', state: { text: 'v1' } });
    const path = join(repoRoot, '.lldflow', 'checkpoints', 'lld-42.sqlite');
    expect(factory.pathOf('lld', '42')).toBe(path);
    expect(existsSync(path)).toBe(true);
    expect((await store.load())?.updatedAt).toBe('2026-05-06T07:08:09.000Z');

    await store.remove();
    expect(await readdir(join(repoRoot, '.lldflow', 'checkpoints'))).toEqual([]);
    await store.close();
  });

  it('keeps every step as history in the steps table and the last status in meta', async () => {
    const store = await factory.open('issue', 'dark-mode');
    await store.commit({ stage: 'draft', state: { round: 1 } });
    await store.commit({ stage: 'review', state: { round: 2 } });
    await store.setStatus('blocked', 'needs a human');
    await store.close();

    const database = new Database(factory.pathOf('issue', 'dark-mode'), { readonly: true });
    try {
      const steps = database.prepare('SELECT step, stage, state FROM steps ORDER BY step').all();
      expect(steps).toEqual([
        { step: 1, stage: 'draft', state: '{"round":1}' },
        { step: 2, stage: 'review', state: '{"round":2}' },
      ]);
      expect(database.prepare('SELECT schema_version, workflow, item_id, status, error FROM meta').get()).toEqual({
        schema_version: CHECKPOINT_SCHEMA_VERSION,
        workflow: 'issue',
        item_id: 'dark-mode',
        status: 'blocked',
        error: 'needs a human',
      });
    } finally {
      database.close();
    }
  });

  it('refuses a database of a newer schema version, naming the file and what to do, and leaves it untouched', async () => {
    const path = factory.pathOf('lld', '3');
    await mkdir(dirname(path), { recursive: true });
    writeForeignDatabase(path, (database) => {
      database.exec(`CREATE TABLE meta (id INTEGER PRIMARY KEY, schema_version INTEGER, workflow TEXT, item_id TEXT,
        status TEXT, error TEXT, updated_at TEXT);
        CREATE TABLE steps (step INTEGER PRIMARY KEY, stage TEXT, state TEXT, committed_at TEXT);
        INSERT INTO meta VALUES (1, 99, 'lld', '3', 'running', NULL, '2026-01-01T00:00:00.000Z');
        INSERT INTO steps VALUES (1, 'draft', '{}', '2026-01-01T00:00:00.000Z');`);
    });

    // A plan never stops on it: peek reads it as none, inspect says what is wrong.
    expect(await factory.peek('lld', '3')).toBeUndefined();
    const inspection = await factory.inspect('lld', '3');
    expect(inspection).toMatchObject({ kind: 'damaged', problem: 'newer-schema', path });
    expect(inspection.kind === 'damaged' && inspection.message).toMatch(/schema version 99, written by a newer lldflow.*delete the file/);
    const store = await factory.open('lld', '3');
    await expect(store.load()).rejects.toThrow(CheckpointSchemaError);
    await expect(store.load()).rejects.toMatchObject({ kind: 'newer-schema' });
    await expect(store.load()).rejects.toThrow(path);
    await expect(store.commit({ stage: 'review', state: {} })).rejects.toThrow(CheckpointSchemaError);
    await store.close();

    const database = new Database(path, { readonly: true });
    try {
      expect(database.prepare('SELECT COUNT(*) AS steps FROM steps').get()).toEqual({ steps: 1 });
      expect(database.prepare('SELECT schema_version FROM meta').pluck().get()).toBe(99);
    } finally {
      database.close();
    }
  });

  it('refuses files that are not checkpoint databases, naming the file', async () => {
    const garbage = factory.pathOf('lld', 'garbage');
    const foreign = factory.pathOf('lld', 'foreign');
    await mkdir(dirname(garbage), { recursive: true });
    await writeFile(garbage, 'this is a text file that happens to sit where a checkpoint should be, '.repeat(10));
    writeForeignDatabase(foreign, (database) => database.exec('CREATE TABLE notes (body TEXT)'));

    for (const [itemId, path] of [
      ['garbage', garbage],
      ['foreign', foreign],
    ] as const) {
      expect(await factory.peek('lld', itemId)).toBeUndefined();
      expect(await factory.inspect('lld', itemId)).toMatchObject({ kind: 'damaged', problem: 'unreadable', path });
      const store = await factory.open('lld', itemId);
      await expect(store.load()).rejects.toThrow(CheckpointSchemaError);
      await expect(store.load()).rejects.toThrow(path);
      await expect(store.load()).rejects.toMatchObject({ kind: 'unreadable' });
      await store.close();
    }
  });

  it('refuses a database that belongs to another item', async () => {
    const store = await factory.open('lld', '1');
    await store.commit({ stage: 'draft', state: {} });
    await store.close();
    await mkdir(dirname(factory.pathOf('lld', '2')), { recursive: true });
    const { rename } = await import('node:fs/promises');
    await rename(factory.pathOf('lld', '1'), factory.pathOf('lld', '2'));
    const inspection = await factory.inspect('lld', '2');
    expect(inspection).toMatchObject({ kind: 'damaged', problem: 'unreadable' });
    expect(inspection.kind === 'damaged' && inspection.message).toMatch(/belongs to lld item 1/);
  });

  it('lists only checkpoint file names, ignoring WAL side files and strangers', async () => {
    const store = await factory.open('lld', '8');
    await store.commit({ stage: 'draft', state: {} });
    const folder = join(repoRoot, '.lldflow', 'checkpoints');
    await writeFile(join(folder, 'notes.txt'), '');
    await writeFile(join(folder, 'deploy-1.sqlite'), '');
    expect(await readdir(folder)).toContain('lld-8.sqlite-wal');
    expect(await factory.list()).toEqual([{ workflow: 'lld', itemId: '8' }]);
    await store.close();
  });

  it('rejects state that JSON cannot hold without creating a file', async () => {
    const store = await factory.open('lld', '9');
    await expect(store.commit({ stage: 'draft', state: { big: 1n } })).rejects.toThrow(TypeError);
    expect(existsSync(join(repoRoot, '.lldflow'))).toBe(false);
    await store.close();
  });

  it('after the writing process is killed with SIGKILL, load returns the last commit intact', async () => {
    const require = createRequire(import.meta.url);
    const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
    const storeModule = fileURLToPath(new URL('./sqlite-store.ts', import.meta.url));
    const script = join(repoRoot, 'commit-forever.mjs');
    // Commits as fast as it can and reports each commit, so the kill lands in the middle of writing.
    await writeFile(
      script,
      `import { pathToFileURL } from 'node:url';
const [storeModule, repoRoot] = process.argv.slice(2);
const { SqliteCheckpointStoreFactory } = await import(pathToFileURL(storeModule).href);
const store = await new SqliteCheckpointStoreFactory(repoRoot).open('lld', '77');
const stopAt = Date.now() + 60_000;
for (let step = 1; Date.now() < stopAt; step++) {
  await store.commit({ stage: 'stage-' + (step % 7), state: { counter: step, padding: 'x'.repeat(step % 4096) } });
  process.stdout.write('committed ' + step + '\\n');
}
`,
    );

    const child = spawn(process.execPath, ['--import', tsxLoader, script, storeModule, repoRoot], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

    let reported = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout });
        lines.on('line', (line) => {
          reported = Number(/^committed (\d+)$/.exec(line)?.[1] ?? reported);
          if (reported >= 200) {
            lines.close();
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`writer exited (${String(code)}) after ${reported} commits: ${stderr}`)));
      });
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');

    const path = factory.pathOf('lld', '77');
    // The WAL was never checkpointed by a clean close, so load() exercises crash recovery.
    expect(existsSync(`${path}-wal`)).toBe(true);
    const store = await factory.open('lld', '77');
    const checkpoint = await store.load();
    await store.close();

    const database = new Database(path, { readonly: true });
    const maxStep = database.prepare('SELECT MAX(step) FROM steps').pluck().get() as number;
    const stepCount = database.prepare('SELECT COUNT(*) FROM steps').pluck().get() as number;
    database.close();

    expect(checkpoint).toBeDefined();
    expect(checkpoint?.step).toBe(maxStep);
    expect(stepCount).toBe(maxStep);
    expect(checkpoint?.step).toBeGreaterThanOrEqual(reported);
    expect(checkpoint?.stage).toBe(`stage-${maxStep % 7}`);
    expect(checkpoint?.state).toEqual({ counter: maxStep, padding: 'x'.repeat(maxStep % 4096) });
  });

  it('reads a truncated database or one whose state was cut short as unreadable, never as a crash', async () => {
    const store = await factory.open('lld', 'whole');
    for (let step = 1; step <= 60; step++) await store.commit({ stage: 'review', state: { step, padding: 'x'.repeat(3000) } });
    await store.close();
    const whole = factory.pathOf('lld', 'whole');
    const size = (await stat(whole)).size;
    for (const [itemId, cut] of [
      ['half', Math.floor(size / 2)],
      ['header', 50],
      ['tail', size - 100],
    ] as const) {
      const path = factory.pathOf('lld', itemId);
      await copyFile(whole, path);
      await truncate(path, cut);
      // Copied under another item's name: the owner check would refuse it too; the cut is what these exercise.
      const inspection = await factory.inspect('lld', itemId);
      expect(inspection, itemId).toMatchObject({ kind: 'damaged', problem: 'unreadable', path });
      const damaged = await factory.open('lld', itemId);
      await expect(damaged.load()).rejects.toMatchObject({ name: 'CheckpointSchemaError', kind: 'unreadable' });
      await damaged.close();
    }
  });

  it('setAside moves the database (and any side files) under one new name that still opens', async () => {
    const store = await factory.open('lld', '5');
    await store.commit({ stage: 'draft', state: { text: 'v1' } });
    const folder = join(repoRoot, '.lldflow', 'checkpoints');
    expect(await readdir(folder)).toContain('lld-5.sqlite-wal');
    const movedTo = await store.setAside();
    expect(movedTo).toBe(join(folder, 'lld-5.sqlite.corrupt-2026-05-06T07-08-09Z'));
    // Closing folds the WAL into the database; what side files remain move with it.
    expect((await readdir(folder)).every((name) => name.startsWith('lld-5.sqlite.corrupt-2026-05-06T07-08-09Z'))).toBe(true);
    const moved = new Database(movedTo, { readonly: true });
    expect(moved.prepare('SELECT COUNT(*) FROM steps').pluck().get()).toBe(1);
    moved.close();
    // A second one in the same second gets a counter; list never shows them as checkpoints.
    await store.commit({ stage: 'draft', state: { text: 'v2' } });
    expect(await store.setAside()).toBe(`${movedTo!}-2`);
    expect(await factory.list()).toEqual([]);
    expect((await factory.listSetAside()).map((entry) => entry.path)).toEqual([movedTo, `${movedTo!}-2`]);
    await store.close();
  });

  const mounts = new MountSet();
  afterEach(() => {
    mounts.unmountAll();
  });

  it('on a full disk a commit fails naming the file and SQLITE_FULL, and the last commit stays intact', async ({ skip }) => {
    if (mounts.use(mountTmpfs(join(repoRoot, '.lldflow'), 256), skip) === undefined) return;
    const store = await factory.open('lld', '4');
    await store.commit({ stage: 'draft', state: { text: 'small' } });
    const failure = await store.commit({ stage: 'review', state: { text: 'x'.repeat(2_000_000) } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CheckpointIoError);
    expect((failure as Error).message).toMatch(
      new RegExp(`^could not write checkpoint ${factory.pathOf('lld', '4')}: .*\\((SQLITE_FULL|SQLITE_IOERR\\w*)\\)$`),
    );
    expect(await store.load()).toMatchObject({ step: 1, stage: 'draft', state: { text: 'small' } });
    await store.close();
  });

  it('in a read-only folder a first commit fails naming the file and EROFS', async ({ skip }) => {
    if (mounts.use(bindReadOnly(join(repoRoot, '.lldflow')), skip) === undefined) return;
    const store = await factory.open('lld', '4');
    await expect(store.commit({ stage: 'draft', state: {} })).rejects.toThrow(
      `could not write checkpoint ${factory.pathOf('lld', '4')}: read-only file system (EROFS)`,
    );
    await store.close();
  });
});
