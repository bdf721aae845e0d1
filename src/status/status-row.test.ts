import { describe, expect, it } from 'vitest';
import { compareItemIds } from '../core/compare-item-ids.js';
import type { ItemSummary } from '../core/items.js';
import { compareRows, statusRow, type ItemFacts } from './status-row.js';

const HOUR = 60 * 60_000;
const T0 = Date.UTC(2026, 2, 1, 10);

function run(runId: string, endedAt: number, item: Partial<ItemSummary>): ItemFacts['runs'][number] {
  return {
    runId,
    endedAt,
    item: {
      id: '7',
      title: 'Seven',
      status: 'succeeded',
      stage: 'done',
      durationMs: 1,
      llmCalls: 1,
      costUsd: 0,
      output: null,
      error: null,
      ...item,
    },
  };
}

function facts(extra: Partial<ItemFacts>): ItemFacts {
  return { workflow: 'lld', id: '7', runs: [], ...extra };
}

describe('statusRow', () => {
  it('a skip never replaces the last result: a failure stays a failure after runs that skipped the item', () => {
    const row = statusRow(
      facts({
        runs: [
          run('r1', T0, { status: 'failed', stage: 'review 2', error: 'timeout after 30 min', costUsd: 0.5 }),
          run('r2', T0 + HOUR, { status: 'skipped', stage: 'queued', error: 'held by another lldflow run (pid 1)' }),
          run('r3', T0 + 2 * HOUR, { status: 'skipped', stage: 'queued', error: 'held by another lldflow run (pid 2)' }),
        ],
      }),
    );
    expect(row).toMatchObject({ lastResult: 'failed', stage: 'review 2', error: 'timeout after 30 min', lastRunId: 'r1', costUsd: 0.5 });
  });

  it('an item only ever skipped as done (done in a run not recorded here) reads as succeeded, not skipped', () => {
    const report = '7-implementation:docs/reports/active/7-implementation-report.md';
    const row = statusRow(facts({ workflow: 'implement', runs: [run('r2', T0, { status: 'skipped', stage: 'done', output: report })] }));
    expect(row).toMatchObject({ lastResult: 'succeeded', stage: 'done', output: report, lastRunId: 'r2' });
  });

  it('sums the cost of every run of the item', () => {
    const row = statusRow(
      facts({
        runs: [
          run('r1', T0, { status: 'interrupted', costUsd: 0.25 }),
          run('r2', T0 + HOUR, { status: 'failed', costUsd: 0.125 }),
          run('r3', T0 + 2 * HOUR, { status: 'succeeded', costUsd: 1 }),
        ],
      }),
    );
    expect(row.costUsd).toBe(1.375);
  });

  it('a blocked item shows the stage where it blocked, from its checkpoint, not `done`', () => {
    const row = statusRow(
      facts({
        runs: [run('r1', T0, { status: 'blocked', stage: 'done', error: 'the reviewer asked for a human decision (DISCUSS)' })],
        checkpoint: {
          kind: 'ok',
          stage: 'done',
          status: 'blocked',
          finished: false,
          updatedAt: T0 - 1000,
          lineageNames: ['issue.md', 'draft.md', 'autofix.md', 'verdict.md', 'draft.md', 'verdict.md', 'final.md', 'blocked.json'],
        },
      }),
    );
    expect(row).toMatchObject({ lastResult: 'blocked', stage: 'review 2', error: 'the reviewer asked for a human decision (DISCUSS)' });
  });

  it('a blocked item without a checkpoint takes the stage from its newest lineage run', () => {
    const row = statusRow(
      facts({
        workflow: 'implement',
        runs: [run('r1', T0, { status: 'blocked', stage: 'done' })],
        lineageNames: [
          '001-lld.md',
          '002-tests-1-prompt.md',
          '003-tests-1-response.md',
          '004-tests-applied.md',
          '005-red-run.md',
          '006-code-1-prompt.md',
          '007-code-1-response.md',
          '008-code-applied.md',
          '009-test-run-1.md',
          '010-report.md',
        ],
      }),
    );
    expect(row.stage).toBe('green run 1');
  });

  it('a design approved by hand after its blocked run reads as approved, done', () => {
    const row = statusRow(
      facts({
        runs: [run('r1', T0, { status: 'blocked', stage: 'done', output: 'docs/lld/active/LLD-007.md' })],
        design: { path: 'docs/lld/active/LLD-007.md', status: 'approved', title: 'Seven', modifiedAt: T0 + HOUR },
      }),
    );
    expect(row).toMatchObject({ lastResult: 'approved', stage: 'done', error: null, output: 'docs/lld/active/LLD-007.md' });
  });

  it('a design the last run approved stays that run’s success, even when the file was touched since', () => {
    const row = statusRow(
      facts({
        runs: [run('r1', T0, { status: 'succeeded', stage: 'done' })],
        design: { path: 'docs/lld/active/LLD-007.md', status: 'approved', title: 'Seven', modifiedAt: T0 + HOUR },
      }),
    );
    expect(row).toMatchObject({ lastResult: 'succeeded', lastRunId: 'r1' });
  });

  it('a design older than the run that followed it does not hide that run: a later failure shows', () => {
    const row = statusRow(
      facts({
        runs: [run('r2', T0 + HOUR, { status: 'failed', stage: 'draft', error: 'boom' })],
        design: { path: 'docs/lld/active/LLD-007.md', status: 'approved', title: 'Seven', modifiedAt: T0 },
      }),
    );
    expect(row).toMatchObject({ lastResult: 'failed', stage: 'draft' });
  });

  it('a checkpoint written after the last summary (a run killed before its summary) says where the item stands', () => {
    const row = statusRow(
      facts({
        runs: [run('r1', T0, { status: 'failed', stage: 'review 1', error: 'timeout' })],
        checkpoint: { kind: 'ok', stage: 'revise', status: 'running', finished: false, updatedAt: T0 + HOUR, lineageNames: [] },
      }),
    );
    expect(row).toMatchObject({ lastResult: 'interrupted', stage: 'revise', error: null });
  });

  it('a checkpoint of the run that has a summary gives way to the summary’s words', () => {
    const row = statusRow(
      facts({
        runs: [run('r1', T0, { status: 'failed', stage: 'review 1', error: 'timeout' })],
        checkpoint: { kind: 'ok', stage: 'review', status: 'failed', finished: false, updatedAt: T0 - 10, lineageNames: [] },
      }),
    );
    expect(row).toMatchObject({ lastResult: 'failed', stage: 'review 1', error: 'timeout' });
  });

  it('an item a live run holds is running, at its checkpoint’s stage', () => {
    const row = statusRow(
      facts({
        runs: [run('r1', T0, { status: 'failed', stage: 'review 1', error: 'timeout' })],
        checkpoint: { kind: 'ok', stage: 'review', status: 'running', finished: false, updatedAt: T0 + HOUR, lineageNames: [] },
        heldBy: { runId: 'r2' },
      }),
    );
    expect(row).toMatchObject({ lastResult: 'running', stage: 'review', error: null, lastRunId: 'r2' });
  });

  it('nothing known but a draft design: pending, titled from the design', () => {
    const row = statusRow(
      facts({ design: { path: 'docs/lld/active/LLD-007.md', status: 'draft', title: 'Seven by hand', modifiedAt: T0 } }),
    );
    expect(row).toMatchObject({ lastResult: 'pending', title: 'Seven by hand', costUsd: 0 });
  });

  it('a damaged checkpoint is named as the stage, its message as the error', () => {
    const row = statusRow(
      facts({ runs: [run('r1', T0, { status: 'failed' })], checkpoint: { kind: 'damaged', message: 'not a database' } }),
    );
    expect(row).toMatchObject({ lastResult: 'failed', stage: 'damaged checkpoint', error: 'not a database' });
  });
});

describe('compareRows', () => {
  it('orders the pipeline: designs, then issues, then implementations, each by id as people read them', () => {
    const rows = [
      { workflow: 'implement' as const, id: '2' },
      { workflow: 'issue' as const, id: 'dark-mode' },
      { workflow: 'lld' as const, id: '10' },
      { workflow: 'implement' as const, id: '10' },
      { workflow: 'lld' as const, id: '9' },
    ];
    expect(rows.sort(compareRows(compareItemIds)).map((row) => `${row.workflow} ${row.id}`)).toEqual([
      'lld 9',
      'lld 10',
      'issue dark-mode',
      'implement 2',
      'implement 10',
    ]);
  });
});
