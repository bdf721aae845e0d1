import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import type { ItemSummary, RunSummary } from '../core/items.js';
import { temporaryRepository } from '../git/testing/temporary-repository.js';
import { collectStatus } from '../status/collect-status.js';
import { lastRunStatuses, logsDir, newRunId, readRunSummaries, saveRunSummary } from './run-files.js';

const NOW = Date.UTC(2026, 2, 1, 10, 0, 0);

function summary(runId: string, items: Array<Pick<ItemSummary, 'id' | 'status' | 'output' | 'error'>>): RunSummary {
  return {
    runId,
    workflow: 'implement',
    startedAt: new Date(NOW).toISOString(),
    durationMs: 10,
    parallel: 2,
    counts: { succeeded: 0, failed: 0, blocked: 0, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
    items: items.map((item) => ({ title: `Item ${item.id}`, stage: 'done', durationMs: 0, llmCalls: 0, costUsd: 0, ...item })),
    retryCommand: null,
  };
}

describe('newRunId', () => {
  it('gives two runs started in the same second on one repository different ids, each with its log folder', () => {
    const { repo } = temporaryRepository([]);
    const first = newRunId(repo, NOW);
    const second = newRunId(repo, NOW + 300);
    expect(first).toBe('2026-03-01T10-00-00Z');
    expect(second).toBe('2026-03-01T10-00-00Z-2');
    expect(existsSync(logsDir(repo, first))).toBe(true);
    expect(existsSync(logsDir(repo, second))).toBe(true);
  });
});

describe('readRunSummaries', () => {
  it('reads the runs of one second in the order they started, the unsuffixed one first', async () => {
    const { repo } = temporaryRepository([]);
    for (const runId of ['2026-03-01T10-00-00Z-2', '2026-03-01T10-00-00Z', '2026-03-01T10-00-00Z-10']) {
      await saveRunSummary(repo, summary(runId, [{ id: '1', status: 'failed', output: null, error: 'x' }]));
    }
    expect((await readRunSummaries(repo)).map((run) => run.runId)).toEqual([
      '2026-03-01T10-00-00Z',
      '2026-03-01T10-00-00Z-2',
      '2026-03-01T10-00-00Z-10',
    ]);
  });
});

describe('status after a run that skipped an item an earlier run did', () => {
  it('keeps the earlier result: a skip never overwrites it', async () => {
    const { repo } = temporaryRepository([]);
    const report = '4-implementation:docs/reports/active/4-implementation-report.md';
    await saveRunSummary(repo, summary('2026-03-01T10-00-00Z', [{ id: '4', status: 'succeeded', output: report, error: null }]));
    await saveRunSummary(repo, summary('2026-03-01T10-00-00Z-2', [{ id: '4', status: 'skipped', output: report, error: null }]));
    const rows = await collectStatus(repo, new SqliteCheckpointStoreFactory(repo));
    expect(rows.map((row) => [row.id, row.lastResult, row.output, row.lastRunId])).toEqual([
      ['4', 'succeeded', report, '2026-03-01T10-00-00Z'],
    ]);
  });
});

describe('two runs side by side: an item one of them skipped because the other had it', () => {
  it('keeps the result of the run that did the work, in --retry-failed and in status', async () => {
    const { repo } = temporaryRepository([]);
    const held = 'held by another lldflow run (pid 12, started 2026-03-01T09:59:59.000Z, run 2026-03-01T10-00-00Z)';
    // Summaries are read in run-id order: the one that skipped comes first here, and last there.
    await saveRunSummary(
      repo,
      summary('2026-03-01T10-00-00Z', [
        { id: '1', status: 'failed', output: null, error: 'tests failed' },
        { id: '2', status: 'skipped', output: null, error: held },
      ]),
    );
    await saveRunSummary(
      repo,
      summary('2026-03-01T10-00-01Z', [
        { id: '1', status: 'skipped', output: null, error: held },
        { id: '2', status: 'succeeded', output: '2-implementation:docs/reports/active/2-implementation-report.md', error: null },
        { id: '3', status: 'skipped', output: '3-implementation:docs/reports/active/3-implementation-report.md', error: null },
      ]),
    );
    expect(Object.fromEntries(await lastRunStatuses(repo, 'implement'))).toEqual({ '1': 'failed', '2': 'succeeded', '3': 'skipped' });
    const rows = await collectStatus(repo, new SqliteCheckpointStoreFactory(repo));
    // 3 was only ever skipped, as done (its report is there): that is its result, not "skipped".
    expect(rows.map((row) => [row.id, row.lastResult, row.error])).toEqual([
      ['1', 'failed', 'tests failed'],
      ['2', 'succeeded', null],
      ['3', 'succeeded', null],
    ]);
  });
});
