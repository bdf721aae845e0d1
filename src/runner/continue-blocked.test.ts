import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStoreFactory } from '../checkpoints/memory-store.js';
import { FakeClock } from '../clock/testing/fake-clock.js';
import type { ItemOutcome, WorkItem } from '../core/items.js';
import type { RunEvent } from './events.js';
import { runWorkflow, type RunSettings } from './run-workflow.js';
import type { ItemContext, Workflow } from './types.js';

/** Rounds done, and how many of them came before the latest --continue (the limit counts from there). */
interface RoundsState {
  rounds: number;
  roundsBeforeContinue: number;
  blocked: boolean;
  /** What happened, in order: `round-N`, `continued`. */
  history: string[];
}

/** An item that needs `approvedAt` rounds, `maxRounds` per run before it blocks; a round is a checkpointed step. */
class RoundsWorkflow implements Workflow<WorkItem, RoundsState> {
  readonly name = 'lld' as const;
  readonly runs: Array<{ id: string; resumedAt: number | undefined }> = [];
  /** The next resumed run crashes before its first step. */
  crashOnResume = false;

  constructor(
    private readonly approvedAt: number,
    private readonly maxRounds: number,
    private readonly reopens = true,
  ) {
    if (!reopens) this.reopenBlocked = undefined;
  }

  collectItems(request: { ids: string[] | undefined }): Promise<WorkItem[]> {
    return Promise.resolve((request.ids ?? ['7']).map((id) => ({ id, title: `Item ${id}` })));
  }

  parseState(state: unknown): RoundsState {
    return state as RoundsState;
  }

  completedOutput(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  reopenBlocked?: (state: RoundsState, item: WorkItem, date: string) => RoundsState = (state, _item, date) => ({
    ...state,
    blocked: false,
    roundsBeforeContinue: state.rounds,
    history: [...state.history, `continued ${date}`],
  });

  async runItem(item: WorkItem, context: ItemContext, resumeFrom: RoundsState | undefined): Promise<ItemOutcome> {
    this.runs.push({ id: item.id, resumedAt: resumeFrom?.rounds });
    if (resumeFrom && this.crashOnResume) {
      this.crashOnResume = false;
      throw new Error('crashed before its first step');
    }
    let state = resumeFrom ?? { rounds: 0, roundsBeforeContinue: 0, blocked: false, history: [] };
    if (state.blocked) return this.blockedOutcome(state);
    while (state.rounds < this.approvedAt) {
      if (state.rounds - state.roundsBeforeContinue >= this.maxRounds) {
        state = { ...state, blocked: true };
        await context.checkpoint.commit({ stage: 'done', state });
        return this.blockedOutcome(state);
      }
      state = { ...state, rounds: state.rounds + 1, history: [...state.history, `round-${state.rounds + 1}`] };
      await context.checkpoint.commit({ stage: 'review', state });
    }
    return { status: 'succeeded', output: `docs/${item.id}.md` };
  }

  private blockedOutcome(state: RoundsState): ItemOutcome {
    return {
      status: 'blocked',
      reason: `not approved after ${state.rounds} rounds`,
      output: 'docs/7.md',
      blocked: { questions: ['Split long words by default?'], blockingItems: [`round ${state.rounds}`] },
    };
  }
}

function runner(workflow: RoundsWorkflow) {
  const checkpoints = new MemoryCheckpointStoreFactory();
  const clock = new FakeClock(Date.parse('2026-03-04T05:06:07Z'));
  const run = async (overrides: Partial<RunSettings> = {}) => {
    const events: RunEvent[] = [];
    const summary = await runWorkflow(
      { explicitIds: ['7'], all: false, retryFailed: false, parallel: 1, timeoutMs: 60_000, ...overrides },
      {
        workflow,
        checkpoints,
        clock,
        emit: (event) => events.push(event),
        signal: new AbortController().signal,
        runId: 'run',
        retryCommand: (ids) => `lldflow requirements --issue ${ids.join(',')}`,
        blockedCommands: {
          continueItems: (ids) => `lldflow requirements --issue ${ids.join(',')} --continue`,
          continueAllBlocked: () => 'lldflow requirements --retry-blocked --continue',
          approve: (id) => `lldflow approve ${id}`,
        },
      },
    );
    const output = events.flatMap((event) => (event.type === 'item-output' ? [event.text] : [])).join('');
    return { summary, output, state: (await checkpoints.peek('lld', '7'))?.state as RoundsState | undefined };
  };
  return { run, checkpoints };
}

describe('a blocked item', () => {
  it('is summarised with what blocks it and the commands that continue or approve it', async () => {
    const { run } = runner(new RoundsWorkflow(3, 2));
    const { summary } = await run();
    expect(summary.items[0]).toMatchObject({ status: 'blocked', error: 'not approved after 2 rounds', output: 'docs/7.md' });
    expect(summary.items[0]?.blocked).toEqual({
      questions: ['Split long words by default?'],
      blockingItems: ['round 2'],
      continueCommand: 'lldflow requirements --issue 7 --continue',
      approveCommand: 'lldflow approve 7',
    });
    expect(summary.retryBlockedCommand).toBe('lldflow requirements --retry-blocked --continue');
    expect(summary.retryCommand).toBeNull();
  });

  it('starts over when run again without --continue, throwing its rounds away', async () => {
    const workflow = new RoundsWorkflow(3, 2);
    const { run } = runner(workflow);
    await run();
    const again = await run();
    expect(workflow.runs).toEqual([
      { id: '7', resumedAt: undefined },
      { id: '7', resumedAt: undefined },
    ]);
    expect(again.state?.history).toEqual(['round-1', 'round-2']);
  });

  it('with --continue resumes from its checkpoint with its history and gets more rounds', async () => {
    const workflow = new RoundsWorkflow(3, 2);
    const { run } = runner(workflow);
    await run();
    const continued = await run({ continueBlocked: true });
    expect(workflow.runs.at(-1)).toEqual({ id: '7', resumedAt: 2 });
    expect(continued.summary.items[0]).toMatchObject({ status: 'succeeded', output: 'docs/7.md' });
    expect(continued.summary.items[0]?.blocked).toBeUndefined();
    expect(continued.summary.retryBlockedCommand).toBeNull();
    expect(continued.output).toContain('it was blocked: not approved after 2 rounds\n');
  });

  it('counts its limit from where it was continued: that many more rounds, on top of its history', async () => {
    const workflow = new RoundsWorkflow(5, 2);
    const { run } = runner(workflow);
    await run();
    const continued = await run({ continueBlocked: true });
    expect(continued.state?.history).toEqual(['round-1', 'round-2', 'continued 2026-03-04', 'round-3', 'round-4']);
    expect(continued.summary.items[0]?.error).toBe('not approved after 4 rounds');
  });

  it('commits the reopened state before its first step: a crash there is retried from it, not from the blocked state', async () => {
    const workflow = new RoundsWorkflow(3, 2);
    const { run, checkpoints } = runner(workflow);
    await run();
    workflow.crashOnResume = true;
    const crashed = await run({ continueBlocked: true });
    expect(crashed.summary.items[0]).toMatchObject({ status: 'failed', error: 'crashed before its first step' });
    expect((await checkpoints.peek('lld', '7'))?.status).toBe('failed');
    expect(crashed.state).toMatchObject({ blocked: false, roundsBeforeContinue: 2 });
    // A plain retry (no --continue) resumes the reopened state and finishes.
    const retried = await run();
    expect(workflow.runs.at(-1)).toEqual({ id: '7', resumedAt: 2 });
    expect(retried.summary.items[0]?.status).toBe('succeeded');
  });

  it('fails, saying so, when its workflow cannot continue blocked items', async () => {
    const workflow = new RoundsWorkflow(3, 2, false);
    const { run } = runner(workflow);
    await run();
    const continued = await run({ continueBlocked: true });
    expect(continued.summary.items[0]).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('cannot be continued here') as string,
    });
  });
});

describe('--restart', () => {
  it('discards the checkpoint of an item that would resume, and starts it afresh', async () => {
    const workflow = new RoundsWorkflow(3, 2);
    const { run, checkpoints } = runner(workflow);
    const store = await checkpoints.open('lld', '7');
    await store.commit({ stage: 'review', state: { rounds: 1, roundsBeforeContinue: 0, blocked: false, history: ['old-round-1'] } });
    await store.setStatus('failed', 'the reviewer gave an unusable answer twice in a row');
    const restarted = await run({ restart: true });
    expect(workflow.runs).toEqual([{ id: '7', resumedAt: undefined }]);
    expect(restarted.state?.history).toEqual(['round-1', 'round-2']);
  });
});
