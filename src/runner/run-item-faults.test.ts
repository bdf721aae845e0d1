import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { CheckpointStateError } from '../core/errors.js';
import type { RunEvent } from './events.js';
import { runWorkflow } from './run-workflow.js';
import { ScriptedWorkflow, type ScriptedBehaviour } from './testing/scripted-workflow.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A scripted workflow whose states are read like a real workflow's: a CheckpointStateError for what it cannot resume from. */
class VersionedWorkflow extends ScriptedWorkflow {
  override parseState(state: unknown): { step: number } {
    const version = (state as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && version > 1)
      throw new CheckpointStateError('written by a newer lldflow: upgrade', { kind: 'newer' });
    if (version !== 1) throw new CheckpointStateError('the lld checkpoint is damaged');
    return super.parseState(state);
  }
}

function setup(behaviours: Array<[string, ScriptedBehaviour]>, options: { completed?: string[] } = {}) {
  const repo = mkdtempSync(join(tmpdir(), 'lldflow-faults-'));
  folders.push(repo);
  const clock = new FakeClock(Date.UTC(2026, 4, 6, 7, 8, 9));
  const workflow = new VersionedWorkflow(new Map(behaviours));
  for (const id of options.completed ?? []) workflow.completed.add(id);
  const checkpoints = new SqliteCheckpointStoreFactory(repo, clock);
  const events: RunEvent[] = [];
  const start = () =>
    settle(
      clock,
      runWorkflow(
        { explicitIds: undefined, all: true, retryFailed: false, parallel: 2, timeoutMs: 60_000 },
        {
          workflow,
          checkpoints,
          clock,
          emit: (event) => events.push(event),
          signal: new AbortController().signal,
          runId: '2026-05-06T07-08-09Z',
          retryCommand: (ids) => `lldflow requirements --issue ${ids.join(',')}`,
        },
      ),
    );
  const output = (id: string) =>
    events
      .filter((event): event is Extract<RunEvent, { type: 'item-output' }> => event.type === 'item-output' && event.id === id)
      .map((event) => event.text)
      .join('');
  return { repo, workflow, checkpoints, start, output, folder: checkpoints.folder };
}

async function settle<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    if (!(await clock.advanceToNext())) await clock.advance(1);
  }
  return promise;
}

function writeDatabase(path: string, sql: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.exec(sql);
  database.close();
}

const SCHEMA = `CREATE TABLE meta (id INTEGER PRIMARY KEY, schema_version INTEGER, workflow TEXT, item_id TEXT, status TEXT, error TEXT, updated_at TEXT);
  CREATE TABLE steps (step INTEGER PRIMARY KEY, stage TEXT, state TEXT, committed_at TEXT);`;

describe('checkpoint faults stay with their item', () => {
  it('a garbage or truncated checkpoint is moved aside and its item starts afresh with a warning; the others run', async () => {
    const { checkpoints, start, output, folder, workflow } = setup([
      ['1', { kind: 'succeed', steps: 2, stepMs: 100 }],
      ['2', { kind: 'succeed', steps: 2, stepMs: 100 }],
      ['3', { kind: 'succeed', steps: 2, stepMs: 100 }],
    ]);
    mkdirSync(folder, { recursive: true });
    writeFileSync(checkpoints.pathOf('lld', '1'), 'not a database at all '.repeat(50));
    writeDatabase(
      checkpoints.pathOf('lld', '2'),
      `${SCHEMA} INSERT INTO meta VALUES (1, 1, 'lld', '2', 'running', NULL, 'x');
       INSERT INTO steps VALUES (1, 'step-1', '{"version":1,"step":1,"cut sh', 'x');`,
    );

    const summary = await start();
    expect(summary.items.map((item) => [item.id, item.status])).toEqual([
      ['1', 'succeeded'],
      ['2', 'succeeded'],
      ['3', 'succeeded'],
    ]);
    // Both started from nothing: the damaged state was never resumed from.
    expect(workflow.resumedFrom.size).toBe(0);
    expect(output('1')).toMatch(
      /^warning: its checkpoint could not be read \(.*lld-1\.sqlite is not a readable lldflow checkpoint database: file is not a database\); moved to .*lld-1\.sqlite\.corrupt-2026-05-06T07-08-09Z, starting afresh\n/,
    );
    expect(output('2')).toMatch(/warning: its checkpoint could not be read \(.*holds unreadable state at step 1\); moved to/);
    expect(readdirSync(folder).sort()).toEqual(['lld-1.sqlite.corrupt-2026-05-06T07-08-09Z', 'lld-2.sqlite.corrupt-2026-05-06T07-08-09Z']);
    expect(readFileSync(join(folder, 'lld-1.sqlite.corrupt-2026-05-06T07-08-09Z'), 'utf8')).toContain('not a database at all');
  });

  it('a checkpoint of a newer schema fails its item saying what to do and is left untouched; the others run', async () => {
    const { checkpoints, start, folder } = setup([
      ['1', { kind: 'succeed', steps: 1, stepMs: 100 }],
      ['2', { kind: 'succeed', steps: 1, stepMs: 100 }],
    ]);
    const path = checkpoints.pathOf('lld', '1');
    writeDatabase(
      path,
      `${SCHEMA} INSERT INTO meta VALUES (1, 7, 'lld', '1', 'running', NULL, 'x'); INSERT INTO steps VALUES (1, 'x', '{}', 'x');`,
    );
    const before = readFileSync(path);

    const summary = await start();
    expect(summary.items[0]).toMatchObject({ id: '1', status: 'failed' });
    expect(summary.items[0]?.error).toBe(
      `checkpoint database ${path} has schema version 7, written by a newer lldflow (this one reads version 1): resume the item with that lldflow, or delete the file to start the item afresh`,
    );
    expect(summary.items[1]).toMatchObject({ id: '2', status: 'succeeded' });
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(folder)).toEqual(['lld-1.sqlite']);
  });

  it('a damaged state is moved aside and started afresh; a state of a newer lldflow fails the item', async () => {
    const { checkpoints, start, output, folder } = setup([
      ['1', { kind: 'succeed', steps: 2, stepMs: 100 }],
      ['2', { kind: 'succeed', steps: 2, stepMs: 100 }],
    ]);
    for (const [id, state] of [
      ['1', { step: 1 }],
      ['2', { version: 9, step: 1 }],
    ] as const) {
      const store = await checkpoints.open('lld', id);
      await store.commit({ stage: 'step-1', state });
      await store.setStatus('interrupted');
      await store.close();
    }
    const summary = await start();
    expect(summary.items[0]).toMatchObject({ id: '1', status: 'succeeded' });
    expect(output('1')).toContain('warning: its checkpoint could not be read (the lld checkpoint is damaged); moved to');
    expect(summary.items[1]).toMatchObject({ id: '2', status: 'failed', error: 'written by a newer lldflow: upgrade' });
    expect(await checkpoints.peek('lld', '2')).toMatchObject({ status: 'failed', state: { version: 9, step: 1 } });
    expect(readdirSync(folder).filter((name) => name.includes('.corrupt-'))).toEqual(['lld-1.sqlite.corrupt-2026-05-06T07-08-09Z']);
  });

  it("a finished item's checkpoint that outlived it is resumed at its end and removed, with no work redone", async () => {
    const { checkpoints, start, workflow } = setup([['1', { kind: 'succeed', steps: 2, stepMs: 100 }]], { completed: ['1'] });
    const store = await checkpoints.open('lld', '1');
    // Killed after its last commit, before the checkpoint was deleted: the output is there, the checkpoint too.
    await store.commit({ stage: 'done', state: { version: 1, step: 2 } });
    await store.close();
    const summary = await start();
    expect(summary.items[0]).toMatchObject({ id: '1', status: 'succeeded', llmCalls: 0, output: 'out/1.md' });
    expect(workflow.resumedFrom.get('1')).toBe(2);
    expect(await checkpoints.inspect('lld', '1')).toEqual({ kind: 'none' });
    expect(existsSync(checkpoints.pathOf('lld', '1'))).toBe(false);
  });
});
