import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStoreFactory } from '../checkpoints/memory-store.js';
import { FakeClock } from '../clock/testing/fake-clock.js';
import type { ItemOutcome, RunSummary, WorkItem } from '../core/items.js';
import type { RunEvent } from './events.js';
import { redactEvent } from './redacting-events.js';
import { runWorkflow } from './run-workflow.js';
import type { ItemContext, Workflow } from './types.js';

const KEY = 'sk-test-runner-key-42';
const redact = (text: string): string => text.replaceAll(KEY, 'openai#1');

/** Puts the key into everything a workflow can hand the runner. */
class LeakyWorkflow implements Workflow<WorkItem, unknown> {
  readonly name = 'lld' as const;
  readonly redactedByContext: string[] = [];

  collectItems(): Promise<WorkItem[]> {
    return Promise.resolve([
      { id: '1', title: `Rotate ${KEY}` },
      { id: '2', title: 'Blocked one' },
    ]);
  }

  completedOutput(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  parseState(state: unknown): unknown {
    return state;
  }

  async runItem(item: WorkItem, context: ItemContext): Promise<ItemOutcome> {
    context.setStage(`draft with ${KEY}`);
    context.log(`the model echoed ${KEY}`);
    context.debug(`request header Bearer ${KEY}`);
    context.recordModelCall({
      provider: 'openai',
      model: `proxy-${KEY}`,
      keyName: 'openai#1',
      role: 'drafter',
      durationMs: 1,
      inputTokens: 1,
      outputTokens: 1,
      costUsd: 0,
    });
    await context.checkpoint.commit({ stage: `draft ${KEY}`, state: { document: `# LLD\n${KEY}\n` } });
    this.redactedByContext.push(context.redact(`lineage ${KEY}`));
    if (item.id === '2') {
      return {
        status: 'blocked',
        reason: `reviewer wants ${KEY} gone`,
        blocked: { questions: [`Keep ${KEY}?`], blockingItems: [`uses ${KEY}`], failingTests: `expected ${KEY}`, worktree: `/w/${KEY}` },
      };
    }
    throw new Error(`HTTP 401: Incorrect API key provided: ${KEY}`);
  }
}

async function run() {
  const workflow = new LeakyWorkflow();
  const checkpoints = new MemoryCheckpointStoreFactory();
  const events: RunEvent[] = [];
  const summary: RunSummary = await runWorkflow(
    { explicitIds: undefined, all: true, retryFailed: false, parallel: 2, timeoutMs: 60_000 },
    {
      workflow,
      checkpoints,
      clock: new FakeClock(),
      emit: (event) => events.push(event),
      signal: new AbortController().signal,
      runId: 'r1',
      retryCommand: (ids) => `lldflow requirements --issue ${ids.join(',')} # ${KEY}`,
      blockedCommands: {
        continueItems: (ids) => `lldflow requirements --issue ${ids.join(',')} --continue # ${KEY}`,
        continueAllBlocked: () => `lldflow requirements --retry-blocked --continue # ${KEY}`,
        approve: (id) => `lldflow approve ${id} # ${KEY}`,
      },
      redact,
    },
  );
  return { workflow, checkpoints, events, summary };
}

describe('runWorkflow redaction', () => {
  it('redacts every event, the returned summary and every checkpoint write', async () => {
    const { checkpoints, events, summary } = await run();

    expect(JSON.stringify(events)).not.toContain(KEY);
    expect(JSON.stringify(summary)).not.toContain(KEY);
    expect(summary.items.find((item) => item.id === '1')).toMatchObject({
      status: 'failed',
      title: 'Rotate openai#1',
      error: 'HTTP 401: Incorrect API key provided: openai#1',
    });
    expect(summary.items.find((item) => item.id === '2')).toMatchObject({ status: 'blocked', error: 'reviewer wants openai#1 gone' });
    expect(summary.retryCommand).toBe('lldflow requirements --issue 1 # openai#1');
    expect(summary.retryBlockedCommand).toBe('lldflow requirements --retry-blocked --continue # openai#1');
    expect(summary.items.find((item) => item.id === '2')?.blocked).toEqual({
      questions: ['Keep openai#1?'],
      blockingItems: ['uses openai#1'],
      failingTests: 'expected openai#1',
      worktree: '/w/openai#1',
      continueCommand: 'lldflow requirements --issue 2 --continue # openai#1',
      approveCommand: 'lldflow approve 2 # openai#1',
    });
    const outputs = events.flatMap((event) => (event.type === 'item-output' ? [event.text] : []));
    expect(outputs).toContain('the model echoed openai#1\n');
    expect(outputs).toContain('request header Bearer openai#1\n');
    expect(events.find((event) => event.type === 'model-call')).toMatchObject({ call: { model: 'proxy-openai#1' } });

    const failed = await checkpoints.peek('lld', '1');
    const blocked = await checkpoints.peek('lld', '2');
    expect(failed).toMatchObject({
      stage: 'draft openai#1',
      state: { document: '# LLD\nopenai#1\n' },
      status: 'failed',
      error: 'HTTP 401: Incorrect API key provided: openai#1',
    });
    expect(blocked).toMatchObject({ status: 'blocked', error: 'reviewer wants openai#1 gone' });
  });

  it('gives workflows the same redactor as context.redact, for what they write themselves', async () => {
    const { workflow } = await run();
    expect(workflow.redactedByContext).toEqual(['lineage openai#1', 'lineage openai#1']);
  });
});

describe('ItemContext.holdsSecret', () => {
  /** Asks its context whether a text with the key, and one without, hold a secret. */
  class AskingWorkflow implements Workflow<WorkItem, unknown> {
    readonly name = 'lld' as const;
    readonly answers: boolean[] = [];
    collectItems(): Promise<WorkItem[]> {
      return Promise.resolve([{ id: '1', title: 't' }]);
    }
    completedOutput(): Promise<string | undefined> {
      return Promise.resolve(undefined);
    }
    parseState(state: unknown): unknown {
      return state;
    }
    runItem(_item: WorkItem, context: ItemContext): Promise<ItemOutcome> {
      this.answers.push(context.holdsSecret(`const key = '${KEY}';`), context.holdsSecret('nothing here'));
      return Promise.resolve({ status: 'succeeded' });
    }
  }

  async function answers(holdsSecret?: (text: string) => boolean): Promise<boolean[]> {
    const workflow = new AskingWorkflow();
    await runWorkflow(
      { explicitIds: undefined, all: true, retryFailed: false, parallel: 1, timeoutMs: 60_000 },
      {
        workflow,
        checkpoints: new MemoryCheckpointStoreFactory(),
        clock: new FakeClock(),
        emit: () => undefined,
        signal: new AbortController().signal,
        runId: 'r1',
        retryCommand: (ids) => ids.join(','),
        redact,
        ...(holdsSecret ? { holdsSecret } : {}),
      },
    );
    return workflow.answers;
  }

  it("is the run's holdsSecret", async () => {
    expect(await answers((text) => text.includes(KEY))).toEqual([true, false]);
  });

  it('holds nothing when the run was given none', async () => {
    expect(await answers()).toEqual([false, false]);
  });
});

describe('redactEvent', () => {
  it('redacts warnings and the planned skip and resume texts, and leaves ids alone', () => {
    expect(redactEvent({ type: 'run-warning', at: 1, message: `budget for ${KEY}` }, redact)).toEqual({
      type: 'run-warning',
      at: 1,
      message: 'budget for openai#1',
    });
    const start = redactEvent(
      {
        type: 'run-start',
        at: 1,
        runId: 'r1',
        workflow: 'lld',
        parallel: 1,
        items: [
          { id: '1', title: KEY, action: { kind: 'skip', reason: `done: ${KEY}.md` } },
          { id: '2', title: 't', action: { kind: 'resume', stage: `review ${KEY}` } },
          { id: '3', title: 't', action: { kind: 'start' } },
        ],
      },
      redact,
    );
    expect(start).toMatchObject({
      items: [
        { id: '1', title: 'openai#1', action: { kind: 'skip', reason: 'done: openai#1.md' } },
        { id: '2', action: { kind: 'resume', stage: 'review openai#1' } },
        { id: '3', action: { kind: 'start' } },
      ],
    });
  });

  it("redacts a key event's key name and reason, and keeps its times", () => {
    const event: RunEvent = {
      type: 'key-event',
      at: 5,
      key: KEY,
      kind: 'set-aside',
      id: '4',
      lease: 2,
      untilMs: 9,
      reason: `401 Incorrect API key provided: ${KEY}`,
    };
    expect(redactEvent(event, redact)).toEqual({
      ...event,
      key: 'openai#1',
      reason: '401 Incorrect API key provided: openai#1',
    });
  });
});
