import { describe, expect, it } from 'vitest';
import type { ItemLeases, LeaseAttempt, LeaseHolder } from '../checkpoints/item-lease.js';
import { MemoryCheckpointStoreFactory } from '../checkpoints/memory-store.js';
import { FakeClock } from '../clock/testing/fake-clock.js';
import type { WorkflowName } from '../core/items.js';
import type { RunEvent } from './events.js';
import { runWorkflow } from './run-workflow.js';
import { ScriptedWorkflow, type ScriptedBehaviour } from './testing/scripted-workflow.js';

const HOLDER: LeaseHolder = { pid: 4242, hostname: 'this-host', startedAt: '2026-01-01T00:00:00.000Z', runId: '2025-12-31T23-59-00Z' };

/**
 * Leases as another run would leave them: `held` items are taken, and `meanwhile` does what another
 * run did to an item between this run's plan and its lease (before the lease is granted).
 */
class FakeLeases implements ItemLeases {
  readonly log: string[] = [];

  constructor(
    private readonly held: ReadonlySet<string>,
    private readonly meanwhile: (itemId: string) => Promise<void> = () => Promise.resolve(),
    private readonly workflow?: ScriptedWorkflow,
  ) {}

  async acquire(_workflow: WorkflowName, itemId: string): Promise<LeaseAttempt> {
    if (itemId === 'broken') throw new Error('EACCES: permission denied, open .lldflow/leases/lld-broken.lock');
    if (this.held.has(itemId)) return { kind: 'held', holder: HOLDER };
    await this.meanwhile(itemId);
    this.log.push(`acquire ${itemId}`);
    return {
      kind: 'leased',
      lease: {
        release: () => this.log.push(`release ${itemId}${this.workflow?.completed.has(itemId) ? ' (completed)' : ''}`),
      },
    };
  }
}

const succeed = (steps = 2): ScriptedBehaviour => ({ kind: 'succeed', steps, stepMs: 1000 });

function setup(ids: string[], leases: (workflow: ScriptedWorkflow, checkpoints: MemoryCheckpointStoreFactory) => ItemLeases) {
  const clock = new FakeClock();
  const workflow = new ScriptedWorkflow(new Map(ids.map((id) => [id, succeed()])));
  const checkpoints = new MemoryCheckpointStoreFactory(clock);
  const events: RunEvent[] = [];
  const run = () =>
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
          runId: '2026-01-01T00-00-00Z',
          retryCommand: (retry) => `retry ${retry.join(',')}`,
          leases: leases(workflow, checkpoints),
        },
      ),
    );
  return { clock, workflow, checkpoints, events, run };
}

async function settle<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    if (!(await clock.advanceToNext())) await clock.advance(1);
  }
  return promise;
}

function eventsFor(events: RunEvent[], id: string): string[] {
  return events.flatMap((event) => ('id' in event && event.id === id ? [event.type] : []));
}

describe('runWorkflow with item leases', () => {
  it('skips an item another process holds with one line naming the holder, and runs the rest', async () => {
    const { workflow, events, run } = setup(['1', '2', '3'], () => new FakeLeases(new Set(['2'])));
    const summary = await run();
    expect(summary.items.map((item) => [item.id, item.status])).toEqual([
      ['1', 'succeeded'],
      ['2', 'skipped'],
      ['3', 'succeeded'],
    ]);
    expect(summary.counts.skipped).toBe(1);
    const skipped = summary.items[1]!;
    expect(skipped.error).toBe(
      'held by another lldflow run (pid 4242 on this-host, started 2026-01-01T00:00:00.000Z, run 2025-12-31T23-59-00Z)',
    );
    expect(skipped.llmCalls).toBe(0);
    expect(workflow.started).not.toContain('2');
    // One event, so one console line: no start line, no stage.
    expect(eventsFor(events, '2')).toEqual(['item-end']);
  });

  it('takes the lease before the first step and releases it once the item has ended', async () => {
    let leases: FakeLeases | undefined;
    const { workflow, run } = setup(['1', '2'], (scripted) => (leases = new FakeLeases(new Set(), undefined, scripted)));
    await run();
    expect(leases!.log).toEqual(['acquire 1', 'acquire 2', 'release 1 (completed)', 'release 2 (completed)']);
    expect(workflow.started).toEqual(['1', '2']);
  });

  it('skips as done an item another run finished between the plan and the lease', async () => {
    let scripted: ScriptedWorkflow | undefined;
    const { workflow, events, run } = setup(['1'], (created) => {
      scripted = created;
      return new FakeLeases(new Set(), (id) => Promise.resolve(void scripted!.completed.add(id)));
    });
    const summary = await run();
    expect(summary.items[0]).toMatchObject({ status: 'skipped', stage: 'done', output: 'out/1.md', error: null, llmCalls: 0 });
    expect(workflow.started).toEqual([]);
    expect(eventsFor(events, '1')).toEqual(['item-end']);
  });

  it('leaves an item another run ended meanwhile (blocked, failed, interrupted) to that run', async () => {
    let store: MemoryCheckpointStoreFactory | undefined;
    const { workflow, run } = setup(['1'], (_workflow, checkpoints) => {
      store = checkpoints;
      return new FakeLeases(new Set(), async (id) => {
        const checkpoint = await store!.open('lld', id);
        await checkpoint.commit({ stage: 'step-1', state: { step: 1 } });
        await checkpoint.setStatus('blocked', 'the reviewer asked for a human');
        await checkpoint.close();
      });
    });
    const summary = await run();
    expect(summary.items[0]).toMatchObject({
      status: 'skipped',
      stage: 'step-1',
      error: 'another lldflow run ended it meanwhile (blocked at stage step-1)',
    });
    expect(workflow.started).toEqual([]);
  });

  it("takes over an item whose holder died mid-step: resumes from that holder's last checkpoint", async () => {
    let store: MemoryCheckpointStoreFactory | undefined;
    const { workflow, run } = setup(['1'], (_workflow, checkpoints) => {
      store = checkpoints;
      // The plan saw nothing; the killed holder left a `running` checkpoint at step 1.
      return new FakeLeases(new Set(), async (id) => {
        const checkpoint = await store!.open('lld', id);
        await checkpoint.commit({ stage: 'step-1', state: { step: 1 } });
        await checkpoint.close();
      });
    });
    const summary = await run();
    expect(summary.items[0]).toMatchObject({ status: 'succeeded', llmCalls: 1 });
    expect(workflow.resumedFrom.get('1')).toBe(1);
  });

  it('fails an item whose lease cannot be taken, naming why, and goes on with the others', async () => {
    const { workflow, run } = setup(['broken', '2'], () => new FakeLeases(new Set()));
    const summary = await run();
    expect(summary.items.map((item) => [item.id, item.status])).toEqual([
      ['2', 'succeeded'],
      ['broken', 'failed'],
    ]);
    expect(summary.items[1]!.error).toMatch(/^could not take the item's lease: EACCES/);
    expect(workflow.started).toEqual(['2']);
  });
});
