import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCheckpointStoreFactory } from '../../checkpoints/memory-store.js';
import type { CheckpointStore } from '../../checkpoints/store.js';
import { FakeClock } from '../../clock/testing/fake-clock.js';
import { InterruptedError } from '../../core/errors.js';
import type { ItemContext } from '../../runner/types.js';
import { withLineage, type WithLineage } from './lineage.js';
import { driveSteps, FailedStepError, type StepMachine } from './step-driver.js';

interface CountState extends WithLineage {
  stage: 'start' | 'work' | 'done';
  runId: string;
  count: number;
}

type CountStep = { kind: 'work' } | { kind: 'done' };

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function lineageRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'lldflow-driver-'));
  folders.push(root);
  return root;
}

function context(store: CheckpointStore, signal: AbortSignal = new AbortController().signal): ItemContext {
  return {
    item: { id: '7', title: 'Seven' },
    runId: 'run-2',
    workflow: 'lld',
    signal,
    clock: new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5)),
    checkpoint: store,
    write: () => undefined,
    log: () => undefined,
    debug: () => undefined,
    setStage: () => undefined,
    recordModelCall: () => undefined,
    redact: (text) => text.replaceAll('sk-secret', '[key]'),
    holdsSecret: () => false,
  };
}

/** Counts to `until`, one lineage entry per step; `fail` decides whether a step throws instead. */
function counter(
  root: string,
  options: { until: number; fail?: (state: CountState) => Error | undefined; published?: string[] },
): StepMachine<CountState, CountStep> {
  return {
    decide: (state) => (state.count >= options.until ? { kind: 'done' } : { kind: 'work' }),
    stageLabel: (_state, step) => step.kind,
    isDone: (step) => step.kind === 'done',
    perform: (state) => {
      const failure = options.fail?.(state);
      if (failure) return Promise.reject(failure);
      const count = state.count + 1;
      return Promise.resolve(withLineage({ ...state, count, stage: count >= options.until ? 'done' : 'work' }, 'step.md', `step ${count}`));
    },
    lineageDirectory: (state) => join(root, state.runId),
    publish: (state) => {
      options.published?.push(`published at ${state.count} with ${readdirSync(join(root, state.runId)).length} lineage files`);
      return Promise.resolve();
    },
  };
}

const fresh = (runId = 'run-1'): CountState => ({ stage: 'start', runId, count: 0, lineage: [] });

describe('driveSteps', () => {
  it("commits a fresh item's starting state before its first step, so a kill in that step resumes into the same run folder", async () => {
    const root = lineageRoot();
    const factory = new MemoryCheckpointStoreFactory();
    const store = await factory.open('lld', '7');
    const killed = counter(root, { until: 3, fail: () => new Error('killed') });
    await expect(driveSteps(context(store), killed, fresh('run-1'))).rejects.toThrow('killed');
    expect(await store.load()).toMatchObject({ step: 1, stage: 'start', state: { runId: 'run-1', count: 0 } });
  });

  it('publishes only once the final state is committed and its whole lineage is on disk', async () => {
    const root = lineageRoot();
    const store = await new MemoryCheckpointStoreFactory().open('lld', '7');
    const published: string[] = [];
    const final = await driveSteps(context(store), counter(root, { until: 2, published }), fresh());
    expect(final).toMatchObject({ stage: 'done', count: 2 });
    expect(published).toEqual(['published at 2 with 2 lineage files']);
    expect(await store.load()).toMatchObject({ stage: 'done' });
  });

  it('an item whose lineage cannot be written is never published; resumed, it completes the lineage, then publishes', async () => {
    const root = lineageRoot();
    const store = await new MemoryCheckpointStoreFactory().open('lld', '7');
    // A file where the run folder should be: every lineage write fails (ENOTDIR), as on an unwritable docs/lineage.
    writeFileSync(join(root, 'run-1'), '');
    const published: string[] = [];
    const failure = await driveSteps(context(store), counter(root, { until: 2, published }), fresh()).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/^could not write .*run-1\/001-step\.md: .*run-1 is a file, not a folder \(ENOTDIR\)$/);
    expect(published).toEqual([]);

    rmSync(join(root, 'run-1'));
    const resumed = (await store.load())?.state as CountState;
    expect(resumed.count).toBe(1);
    await driveSteps(context(store), counter(root, { until: 2, published }), resumed);
    expect(readdirSync(join(root, 'run-1'))).toEqual(['001-step.md', '002-step.md']);
    expect(published).toEqual(['published at 2 with 2 lineage files']);
  });

  it("ends a failed item's lineage with a failure record; a resume takes it in and numbers on after it", async () => {
    const root = lineageRoot();
    const store = await new MemoryCheckpointStoreFactory().open('lld', '7');
    let failing = true;
    const machine = counter(root, {
      until: 3,
      fail: (state) => (failing && state.count === 1 ? new Error('model said sk-secret no') : undefined),
    });
    await expect(driveSteps(context(store), machine, fresh())).rejects.toThrow('model said');
    const folder = join(root, 'run-1');
    expect(readdirSync(folder)).toEqual(['001-step.md', '002-failed.json']);
    expect(JSON.parse(readFileSync(join(folder, '002-failed.json'), 'utf8'))).toEqual({
      status: 'failed',
      stage: 'work',
      error: 'model said [key] no',
      runId: 'run-2',
      failedAt: '2026-01-02T03:04:05.000Z',
    });

    failing = false;
    const final = await driveSteps(context(store), machine, (await store.load())?.state as CountState);
    expect(readdirSync(folder)).toEqual(['001-step.md', '002-failed.json', '003-step.md', '004-step.md']);
    expect(final.lineage.map((entry) => `${entry.number}-${entry.name}`)).toEqual(['1-step.md', '2-failed.json', '3-step.md', '4-step.md']);
  });

  it('commits and writes the state a failed step carries (its rejected answer) before the item fails', async () => {
    const root = lineageRoot();
    const store = await new MemoryCheckpointStoreFactory().open('lld', '7');
    const machine = counter(root, {
      until: 3,
      fail: (state) => new FailedStepError('unusable twice', withLineage({ ...state, stage: 'work' }, 'rejected.md', 'garbage')),
    });
    await expect(driveSteps(context(store), machine, fresh())).rejects.toThrow('unusable twice');
    expect(readdirSync(join(root, 'run-1'))).toEqual(['001-rejected.md', '002-failed.json']);
    expect((await store.load())?.state).toMatchObject({ lineage: [{ number: 1, name: 'rejected.md' }] });
  });

  it('an interrupted item gets no failure record', async () => {
    const root = lineageRoot();
    const store = await new MemoryCheckpointStoreFactory().open('lld', '7');
    const controller = new AbortController();
    const machine = counter(root, {
      until: 3,
      fail: (state) => {
        if (state.count === 0) return undefined;
        controller.abort(new InterruptedError('interrupted by SIGINT'));
        return new Error('aborted');
      },
    });
    await expect(driveSteps(context(store, controller.signal), machine, fresh())).rejects.toThrow('aborted');
    expect(readdirSync(join(root, 'run-1'))).toEqual(['001-step.md']);
    expect(existsSync(join(root, 'run-1', '002-failed.json'))).toBe(false);
  });

  it('removes the temporary files an earlier, cut-short write left in the run folder', async () => {
    const root = lineageRoot();
    const folder = join(root, 'run-1');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `001-step.md.${process.pid}.424242.tmp`), 'half');
    const store = await new MemoryCheckpointStoreFactory().open('lld', '7');
    await driveSteps(context(store), counter(root, { until: 1 }), fresh());
    expect(readdirSync(folder)).toEqual(['001-step.md']);
  });
});
