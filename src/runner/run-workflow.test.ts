import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStoreFactory } from '../checkpoints/memory-store.js';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { InterruptedError } from '../core/errors.js';
import type { ItemStatus, RefusedItem, WorkItem } from '../core/items.js';
import type { RunEvent } from './events.js';
import { runWorkflow, type RunSettings } from './run-workflow.js';
import { exitCodeFor } from './summary.js';
import { ScriptedWorkflow, type ScriptedBehaviour } from './testing/scripted-workflow.js';

const succeed = (steps = 2, stepMs = 1000): ScriptedBehaviour => ({ kind: 'succeed', steps, stepMs });

function setup(behaviours: Array<[string, ScriptedBehaviour]>, overrides: Partial<RunSettings> = {}) {
  const clock = new FakeClock();
  const workflow = new ScriptedWorkflow(new Map(behaviours));
  const checkpoints = new MemoryCheckpointStoreFactory();
  const events: RunEvent[] = [];
  const controller = new AbortController();
  const settings: RunSettings = { explicitIds: undefined, all: true, retryFailed: false, parallel: 3, timeoutMs: 60_000, ...overrides };
  const start = (lastRunStatuses?: Map<string, 'failed' | 'cancelled'>) =>
    runWorkflow(settings, {
      workflow,
      checkpoints,
      clock,
      emit: (event) => events.push(event),
      signal: controller.signal,
      runId: '2026-01-01T00-00-00Z',
      lastRunStatuses,
      retryCommand: (ids) => `lldflow requirements --issue ${ids.join(',')}`,
    });
  return { clock, workflow, checkpoints, events, controller, settings, start };
}

/** Drives the fake clock until the run settles. */
async function settle<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    if (!(await clock.advanceToNext())) await clock.advance(1);
  }
  return promise;
}

describe('runWorkflow', () => {
  it('never runs more items at once than the parallel cap, and runs them all', async () => {
    const items = Array.from({ length: 10 }, (_, index): [string, ScriptedBehaviour] => [String(index + 1), succeed(2, 500 + index * 10)]);
    const { clock, workflow, start } = setup(items, { parallel: 3 });
    const summary = await settle(clock, start());
    expect(workflow.maxRunning).toBe(3);
    expect(summary.counts.succeeded).toBe(10);
    expect(summary.items.map((item) => item.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(summary.items.every((item) => item.llmCalls === 2)).toBe(true);
    expect(exitCodeFor(summary, false)).toBe(0);
  });

  it('follows every item at once for a fleet, whose own cap decides which run; the summary keeps the cap', async () => {
    const items = Array.from({ length: 10 }, (_, index): [string, ScriptedBehaviour] => [String(index + 1), succeed(2, 500)]);
    const { clock, workflow, start, events } = setup(items, { parallel: 3, atOnce: 'every-item' });
    const summary = await settle(clock, start());
    expect(workflow.maxRunning).toBe(10);
    expect(summary.counts.succeeded).toBe(10);
    expect(summary.parallel).toBe(3);
    expect(events.find((event) => event.type === 'run-start')).toMatchObject({ parallel: 3 });
  });

  it('runs one at a time when parallel is 1', async () => {
    const { clock, workflow, start } = setup(
      [
        ['1', succeed()],
        ['2', succeed()],
        ['3', succeed()],
      ],
      { parallel: 1 },
    );
    const summary = await settle(clock, start());
    expect(workflow.maxRunning).toBe(1);
    expect(summary.durationMs).toBe(6000);
  });

  it('starts no further item once one fails in a way every item would, and fails the rest with its reason', async () => {
    const { clock, workflow, events, start } = setup(
      [
        ['1', { kind: 'throw', afterMs: 100, message: 'openai:gpt-x: the provider does not know this model', stopsRun: true }],
        ['2', succeed(2, 1000)],
        ['3', succeed()],
        ['4', succeed()],
      ],
      { parallel: 2 },
    );
    const summary = await settle(clock, start());
    expect(summary.items.map((item) => [item.id, item.status])).toEqual([
      ['1', 'failed'],
      ['2', 'succeeded'],
      ['3', 'failed'],
      ['4', 'failed'],
    ]);
    // Item 2 was already running and finishes; 3 and 4 never start.
    expect(workflow.started).toEqual(['1', '2']);
    expect(summary.items[2]!.error).toBe('not started: openai:gpt-x: the provider does not know this model (item 1)');
    expect(events.filter((event) => event.type === 'run-stopping')).toHaveLength(1);
  });

  it('isolates a throwing item and a hanging item: the others still succeed', async () => {
    const { clock, checkpoints, start } = setup(
      [
        ['1', succeed()],
        ['2', { kind: 'throw', afterMs: 100, message: 'model exploded' }],
        ['3', { kind: 'hang' }],
        ['4', succeed()],
        ['5', succeed()],
      ],
      { parallel: 2, timeoutMs: 5000 },
    );
    const summary = await settle(clock, start());
    const byId = new Map(summary.items.map((item) => [item.id, item]));
    expect(byId.get('1')?.status).toBe('succeeded');
    expect(byId.get('4')?.status).toBe('succeeded');
    expect(byId.get('5')?.status).toBe('succeeded');
    expect(byId.get('2')).toMatchObject({ status: 'failed', error: 'model exploded' });
    expect(byId.get('3')).toMatchObject({ status: 'failed', error: 'timeout after 5 s', stage: 'hanging' });
    expect(summary.retryCommand).toBe('lldflow requirements --issue 2,3');
    expect(exitCodeFor(summary, false)).toBe(1);
    // Succeeded items leave no checkpoint behind.
    expect(await checkpoints.peek('lld', '1')).toBeUndefined();
  });

  it('on abort: stops dispatch, cancels queued items, interrupts running ones and keeps their checkpoints', async () => {
    const items = Array.from({ length: 6 }, (_, index): [string, ScriptedBehaviour] => [String(index + 1), succeed(3, 1000)]);
    const { clock, controller, checkpoints, workflow, start, events } = setup(items, { parallel: 2 });
    const running = start();
    // Let both workers finish their first step, then press Ctrl+C mid-second-step.
    await clock.advance(1500);
    controller.abort(new InterruptedError());
    const summary = await settle(clock, running);
    expect(workflow.started).toEqual(['1', '2']);
    expect(summary.items.filter((item) => item.status === 'interrupted').map((item) => item.id)).toEqual(['1', '2']);
    expect(summary.items.filter((item) => item.status === 'cancelled').map((item) => item.id)).toEqual(['3', '4', '5', '6']);
    expect(exitCodeFor(summary, true)).toBe(130);
    const checkpoint = await checkpoints.peek('lld', '1');
    expect(checkpoint).toMatchObject({ status: 'interrupted', stage: 'step-1', state: { step: 1 } });
    expect(events.some((event) => event.type === 'run-interrupting')).toBe(true);
  });

  it('resumes an interrupted item from its last committed step and skips completed ones', async () => {
    const { clock, controller, checkpoints, workflow, start } = setup(
      [
        ['1', succeed(3, 1000)],
        ['2', succeed(1, 10)],
      ],
      { parallel: 1 },
    );
    const first = start();
    await clock.advance(2500);
    controller.abort(new InterruptedError());
    await settle(clock, first);
    expect((await checkpoints.peek('lld', '1'))?.stage).toBe('step-2');

    const second = setup(
      [
        ['1', succeed(3, 1000)],
        ['2', succeed(1, 10)],
      ],
      { parallel: 1 },
    );
    const again = await settle(
      second.clock,
      runWorkflow(second.settings, {
        workflow,
        checkpoints,
        clock: second.clock,
        emit: () => undefined,
        signal: new AbortController().signal,
        runId: 'r2',
        retryCommand: () => '',
      }),
    );
    expect(again.counts.succeeded).toBe(2);
    expect(workflow.resumedFrom.get('1')).toBe(2);

    const third = await settle(
      second.clock,
      runWorkflow(second.settings, {
        workflow,
        checkpoints,
        clock: second.clock,
        emit: () => undefined,
        signal: new AbortController().signal,
        runId: 'r3',
        retryCommand: () => '',
      }),
    );
    expect(third.counts.skipped).toBe(2);
    expect(third.items[0]).toMatchObject({ status: 'skipped', output: 'out/1.md' });
  });

  it('--retry-failed runs only items whose last run failed, was interrupted or was cancelled', async () => {
    const { clock, checkpoints, start, workflow } = setup(
      [
        ['1', succeed()],
        ['2', succeed()],
        ['3', succeed()],
        ['4', succeed()],
      ],
      { all: false, retryFailed: true },
    );
    const store = await checkpoints.open('lld', '2');
    await store.commit({ stage: 'step-1', state: { step: 1 } });
    await store.setStatus('failed', 'boom');
    const summary = await settle(clock, start(new Map([['3', 'cancelled']])));
    expect(summary.items.map((item) => item.id)).toEqual(['2', '3']);
    expect(workflow.started).toEqual(['2', '3']);
  });

  it('fails an item whose checkpointed state the workflow cannot read back, keeping the checkpoint, and runs the rest', async () => {
    const { clock, checkpoints, start, workflow } = setup([
      ['1', succeed()],
      ['2', succeed()],
    ]);
    const store = await checkpoints.open('lld', '1');
    await store.commit({ stage: 'step-1', state: { written: 'by another version' } });
    await store.setStatus('interrupted');
    const summary = await settle(clock, start());
    expect(summary.items[0]).toMatchObject({ id: '1', status: 'failed', error: 'not a scripted state: {"written":"by another version"}' });
    expect(summary.items[1]).toMatchObject({ id: '2', status: 'succeeded' });
    expect(workflow.started).toEqual(['2']);
    expect(await checkpoints.peek('lld', '1')).toMatchObject({ status: 'failed', state: { written: 'by another version' } });
  });

  it('a blocked item starts over on the next run, dropping its old state', async () => {
    const { clock, checkpoints, start } = setup([['1', { kind: 'block', reason: 'needs a human' }]]);
    const store = await checkpoints.open('lld', '1');
    await store.commit({ stage: 'review', state: { step: 9 } });
    await store.setStatus('blocked');
    const summary = await settle(clock, start());
    expect(summary.items[0]).toMatchObject({ status: 'blocked', error: 'needs a human' });
    expect(await checkpoints.peek('lld', '1')).toBeUndefined();
  });

  it('emits item output, stages and model calls as events', async () => {
    const { clock, start, events } = setup([['7', succeed(1, 10)]]);
    await settle(clock, start());
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('run-start');
    expect(types).toContain('item-stage');
    expect(types).toContain('model-call');
    expect(events.find((event) => event.type === 'item-output')).toMatchObject({ id: '7', text: 'working on step 1\n' });
    expect(types.at(-1)).toBe('run-end');
  });
});

/** A scripted workflow whose source also holds files that cannot be items and items it refuses. */
class RefusingWorkflow extends ScriptedWorkflow {
  constructor(
    behaviours: Map<string, ScriptedBehaviour>,
    private readonly refusals: RefusedItem[],
  ) {
    super(behaviours);
  }

  override collectItems(request: { ids: string[] | undefined; onRefused: (refused: RefusedItem) => void }): Promise<WorkItem[]> {
    for (const refused of this.refusals) request.onRefused(refused);
    return super.collectItems(request);
  }
}

describe('runWorkflow with refused items', () => {
  const refusals: RefusedItem[] = [
    { id: 'café.md', title: '', status: 'invalid', reason: '"café" is not a valid item id' },
    { id: 'big', title: 'big', status: 'failed', reason: 'items/big.md is 10 MB, above the item size limit of 256 KB' },
    { id: 'a b.md', title: '', status: 'invalid', reason: '"a b" is not a valid item id' },
  ];

  function start(settings: Partial<RunSettings>, lastRunStatuses?: Map<string, ItemStatus>) {
    const clock = new FakeClock();
    const workflow = new RefusingWorkflow(new Map([['1', succeed(1, 10)]]), refusals);
    const events: RunEvent[] = [];
    const run = runWorkflow(
      { explicitIds: undefined, all: true, retryFailed: false, parallel: 2, timeoutMs: 60_000, ...settings },
      {
        workflow,
        checkpoints: new MemoryCheckpointStoreFactory(),
        clock,
        emit: (event) => events.push(event),
        signal: new AbortController().signal,
        runId: 'r1',
        lastRunStatuses,
        retryCommand: (ids) => `lldflow requirements --issue ${ids.join(',')}`,
      },
    );
    return { summary: settle(clock, run), workflow, events };
  }

  it('lists invalid files and refused items after the items, with why, runs the rest, and exits 1', async () => {
    const { summary: running, workflow, events } = start({});
    const summary = await running;
    expect(workflow.started).toEqual(['1']);
    expect(summary.items.map((item) => [item.id, item.status, item.error])).toEqual([
      ['1', 'succeeded', null],
      ['a b.md', 'invalid', '"a b" is not a valid item id'],
      ['big', 'failed', 'items/big.md is 10 MB, above the item size limit of 256 KB'],
      ['café.md', 'invalid', '"café" is not a valid item id'],
    ]);
    expect(summary.items[1]).toMatchObject({ stage: 'collect', llmCalls: 0, output: null });
    expect(summary.counts).toMatchObject({ succeeded: 1, failed: 1, invalid: 2 });
    expect(summary.retryCommand).toBe('lldflow requirements --issue big');
    expect(exitCodeFor(summary, false)).toBe(1);
    const runStart = events[0];
    expect(runStart?.type === 'run-start' && runStart.items.map((item) => item.action.kind)).toEqual([
      'start',
      'refuse',
      'refuse',
      'refuse',
    ]);
    // Refused entries never start: no item events (and so no log files named after a bad file name).
    expect(events.filter((event) => event.type === 'item-start').map((event) => (event as { id: string }).id)).toEqual(['1']);
  });

  it('exits 1 on invalid files alone', async () => {
    const summary = await start({}).summary;
    expect(exitCodeFor({ ...summary, counts: { ...summary.counts, failed: 0 } }, false)).toBe(1);
  });

  it('--retry-failed keeps only refused items whose last run failed', async () => {
    const summary = await start({ all: false, retryFailed: true }, new Map<string, ItemStatus>([['big', 'failed']])).summary;
    expect(summary.items.map((item) => item.id)).toEqual(['big']);
  });
});
