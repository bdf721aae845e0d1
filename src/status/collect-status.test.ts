import { execFileSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileItemLeases } from '../checkpoints/item-lease.js';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import type { ItemSummary, RunSummary, WorkflowName } from '../core/items.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../git/testing/temporary-repository.js';
import { saveRunSummary } from '../runs/run-files.js';
import { initialImplementState } from '../workflows/implement/implement-state.js';
import { initialState } from '../workflows/review-loop/state.js';
import { collectStatus, collectStatusReport } from './collect-status.js';
import { renderProblems } from './render-problems.js';

const T0 = Date.UTC(2026, 0, 1);

function summary(
  runId: string,
  workflow: WorkflowName,
  startedAt: number,
  items: Array<Partial<ItemSummary> & { id: string }>,
): RunSummary {
  return {
    runId,
    workflow,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: 10,
    parallel: 2,
    counts: { succeeded: 0, failed: 0, blocked: 0, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
    items: items.map((item) => ({
      title: `Item ${item.id}`,
      status: 'succeeded',
      stage: 'done',
      durationMs: 5,
      llmCalls: 2,
      costUsd: 0,
      output: null,
      error: null,
      ...item,
    })),
    retryCommand: null,
  };
}

describe('collectStatus', () => {
  it('merges run summaries, checkpoints and LLD files into one row per item, in pipeline order', async () => {
    const { repo } = temporaryRepository([]);
    await saveRunSummary(
      repo,
      summary('2026-01-01T00-00-00Z', 'lld', T0, [
        { id: '10', status: 'succeeded', output: 'docs/lld/active/LLD-010.md', costUsd: 0.25 },
        { id: '2', status: 'failed', stage: 'review 1', error: 'timeout after 30 min', costUsd: 0.125 },
        {
          id: '4',
          status: 'blocked',
          stage: 'done',
          error: 'the reviewer asked for a human decision (DISCUSS)',
          output: 'docs/lld/active/LLD-004.md',
        },
      ]),
    );
    await saveRunSummary(
      repo,
      summary('2026-01-01T00-00-01Z', 'issue', T0, [{ id: 'dark-mode', status: 'succeeded', output: 'issues/dark-mode.md' }]),
    );
    await saveRunSummary(
      repo,
      summary('2026-01-01T01-00-00Z', 'lld', T0 + 3_600_000, [
        { id: '2', status: 'failed', stage: 'review 2', error: 'timeout after 30 min', costUsd: 0.5 },
      ]),
    );
    // A later run skipped 10 as done and 2 because another run held it: neither is a result.
    await saveRunSummary(
      repo,
      summary('2026-01-01T02-00-00Z', 'lld', T0 + 7_200_000, [
        { id: '10', status: 'skipped', output: 'docs/lld/active/LLD-010.md' },
        { id: '2', status: 'skipped', stage: 'queued', error: 'held by another lldflow run (pid 1)' },
      ]),
    );
    const checkpoints = new SqliteCheckpointStoreFactory(repo);
    const blocked = await checkpoints.open('lld', '4');
    const lineage = ['issue.md', 'draft.md', 'verdict.md', 'final.md'].map((name, index) => ({ number: index + 1, name, content: 'x' }));
    await blocked.commit({ stage: 'done', state: { ...initialState('2026-01-01T00-00-00Z', 'now'), stage: 'done', lineage } });
    await blocked.setStatus('blocked', 'the reviewer asked for a human decision (DISCUSS)');
    await blocked.close();
    const killed = await checkpoints.open('implement', '3');
    await killed.commit({ stage: 'write-code', state: { ...initialImplementState('2026-01-01T00-00-00Z', 'now'), stage: 'write-code' } });
    await killed.close();
    const designs = join(repo, 'docs', 'lld', 'active');
    mkdirSync(designs, { recursive: true });
    writeFileSync(join(designs, 'LLD-010.md'), '# 10 - Ten\n\n* **Status:** Approved\n');
    writeFileSync(join(designs, 'LLD-004.md'), '# 4 - Four\n\n* **Status:** Blocked — DISCUSS\n');
    // The files as the runs left them, before the runs ended.
    for (const name of ['LLD-010.md', 'LLD-004.md']) utimesSync(join(designs, name), new Date(T0), new Date(T0));

    const rows = await collectStatus(repo, checkpoints);
    expect(rows.map((row) => [row.workflow, row.id, row.stage, row.lastResult, row.costUsd])).toEqual([
      ['lld', '2', 'review 2', 'failed', 0.625],
      ['lld', '4', 'review 1', 'blocked', 0],
      ['lld', '10', 'done', 'succeeded', 0.25],
      ['issue', 'dark-mode', 'done', 'succeeded', 0],
      ['implement', '3', 'write-code', 'interrupted', 0],
    ]);
    expect(rows.find((row) => row.id === '2')).toMatchObject({ error: 'timeout after 30 min', lastRunId: '2026-01-01T01-00-00Z' });
    expect(rows.find((row) => row.id === '10')).toMatchObject({ lastRunId: '2026-01-01T00-00-00Z', output: 'docs/lld/active/LLD-010.md' });
  });

  it('a design approved by hand after its blocked run reads as approved', async () => {
    const { repo } = temporaryRepository([]);
    await saveRunSummary(
      repo,
      summary('2026-01-01T00-00-00Z', 'lld', T0, [{ id: '4', status: 'blocked', output: 'docs/lld/active/LLD-004.md' }]),
    );
    mkdirSync(join(repo, 'docs', 'lld', 'active'), { recursive: true });
    // Written now: long after the run of 2026-01-01 ended.
    writeFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-004.md'), '# 4 - Four\n\n* **Status:** Approved (by hand)\n');
    const [row] = await collectStatus(repo, new SqliteCheckpointStoreFactory(repo));
    expect(row).toMatchObject({ id: '4', lastResult: 'approved', stage: 'done', error: null });
  });

  it('reads LLD files named by hand with more padding, and ids too long for a number, as they are named', async () => {
    const { repo } = temporaryRepository([]);
    const folder = join(repo, 'docs', 'lld', 'active');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'LLD-0042.md'), '# 42 - Forty-two\n\n* **Status:** Approved\n');
    writeFileSync(join(folder, 'LLD-00000000000000000001234567890123456789.md'), '# Long\n\n* **Status:** Blocked\n');
    writeFileSync(join(folder, 'notes.md'), 'not a design\n');

    const rows = await collectStatus(repo, new SqliteCheckpointStoreFactory(repo));
    expect(rows.map((row) => [row.id, row.title, row.lastResult, row.output])).toEqual([
      ['42', 'Forty-two', 'approved', 'docs/lld/active/LLD-0042.md'],
      ['1234567890123456789', 'Long', 'blocked', 'docs/lld/active/LLD-00000000000000000001234567890123456789.md'],
    ]);
  });

  it("implement rows name the item's branch and worktree while they exist; a live run's item is running", async () => {
    const { repo } = temporaryRepository([]);
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...ISOLATED_GIT_ENV } });
    git('worktree', 'add', '-q', '-b', '5-implementation', join(repo, '.lldflow', 'worktrees', '5'));
    git('branch', '6-implementation');
    await saveRunSummary(
      repo,
      summary('2026-01-01T00-00-00Z', 'implement', T0, [
        { id: '5', status: 'blocked', stage: 'done' },
        { id: '6', status: 'succeeded', output: '6-implementation:docs/reports/active/6-implementation-report.md' },
        { id: '7', status: 'failed', stage: 'load' },
      ]),
    );
    const leases = new FileItemLeases(repo, { runId: '2026-01-01T02-00-00Z' });
    const attempt = await leases.acquire('implement', '7');
    if (attempt.kind !== 'leased') throw new Error('the lease should be free');
    try {
      const rows = await collectStatus(repo, new SqliteCheckpointStoreFactory(repo));
      expect(rows.map((row) => [row.id, row.lastResult, row.branch, row.worktree])).toEqual([
        ['5', 'blocked', '5-implementation', '.lldflow/worktrees/5'],
        ['6', 'succeeded', '6-implementation', null],
        ['7', 'running', null, null],
      ]);
      expect(rows[2]?.lastRunId).toBe('2026-01-01T02-00-00Z');
    } finally {
      attempt.lease.release();
    }
    const after = await collectStatus(repo, new SqliteCheckpointStoreFactory(repo));
    expect(after[2]).toMatchObject({ id: '7', lastResult: 'failed', stage: 'load' });
  });

  it('never throws for what it finds: a checkpoints "folder" that is a file and a summary that is not one become problems', async () => {
    const { repo } = temporaryRepository([]);
    mkdirSync(join(repo, '.lldflow', 'runs'), { recursive: true });
    writeFileSync(join(repo, '.lldflow', 'checkpoints'), 'not a folder');
    writeFileSync(join(repo, '.lldflow', 'runs', '2026-01-01T00-00-00Z.json'), '{}');
    const report = await collectStatusReport(repo, new SqliteCheckpointStoreFactory(repo));
    expect(report.items).toEqual([]);
    expect(report.problems.map((problem) => [problem.kind, problem.path])).toEqual([
      ['unreadable', '.lldflow/checkpoints'],
      ['run-summary-unreadable', '.lldflow/runs/2026-01-01T00-00-00Z.json'],
    ]);
    expect(renderProblems(report.problems)[0]).toBe("2 problems with lldflow's files:");
  });
});
