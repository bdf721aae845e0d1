import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryRepository } from '../git/testing/temporary-repository.js';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import { saveRunSummary } from '../runs/run-files.js';
import { initialImplementState } from '../workflows/implement/implement-state.js';
import { initialState } from '../workflows/review-loop/state.js';
import { collectStatus, collectStatusReport } from './collect-status.js';
import { renderProblems } from './render-problems.js';

describe('collectStatus', () => {
  it('merges run summaries, checkpoints and LLD files into one row per item', async () => {
    const { repo } = temporaryRepository([]);
    const item = { title: 'One', durationMs: 5, llmCalls: 2, costUsd: 0, output: null, error: null };
    await saveRunSummary(repo, {
      runId: '2026-01-01T00-00-00Z',
      workflow: 'lld',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 10,
      parallel: 2,
      counts: { succeeded: 1, failed: 1, blocked: 0, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
      items: [
        { ...item, id: '1', status: 'succeeded', stage: 'done', output: 'docs/lld/active/LLD-001.md' },
        { ...item, id: '2', title: 'Two', status: 'failed', stage: 'review 1', error: 'timeout after 30 min' },
      ],
      retryCommand: 'lldflow requirements --issue 2',
    });
    const checkpoints = new SqliteCheckpointStoreFactory(repo);
    const store = await checkpoints.open('lld', '2');
    await store.commit({ stage: 'review', state: { ...initialState('2026-01-01T00-00-00Z', 'now'), stage: 'review' } });
    await store.setStatus('failed', 'timeout after 30 min');
    await store.close();
    const killed = await checkpoints.open('implement', '3');
    await killed.commit({ stage: 'write-code', state: { ...initialImplementState('2026-01-01T00-00-00Z', 'now'), stage: 'write-code' } });
    await killed.close();
    mkdirSync(join(repo, 'docs', 'lld', 'active'), { recursive: true });
    writeFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-001.md'), '# 1 - One\n\n* **Status:** Approved\n');
    writeFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-004.md'), '# 4 - Four\n\n* **Status:** Blocked — DISCUSS\n');

    const rows = await collectStatus(repo, checkpoints);
    expect(rows.map((row) => [row.workflow, row.id, row.stage, row.lastResult, row.output])).toEqual([
      ['implement', '3', 'write-code', 'interrupted', null],
      ['lld', '1', 'done', 'succeeded', 'docs/lld/active/LLD-001.md'],
      ['lld', '2', 'review', 'failed', null],
      ['lld', '4', 'done', 'blocked', 'docs/lld/active/LLD-004.md'],
    ]);
    expect(rows.find((row) => row.id === '2')?.error).toBe('timeout after 30 min');
  });

  it('reads LLD files named by hand with more padding, and ids too long for a number, as they are named', async () => {
    const { repo } = temporaryRepository([]);
    const folder = join(repo, 'docs', 'lld', 'active');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'LLD-0042.md'), '# 42 - Forty-two\n\n* **Status:** Approved\n');
    writeFileSync(join(folder, 'LLD-00000000000000000001234567890123456789.md'), '# Long\n\n* **Status:** Blocked\n');
    writeFileSync(join(folder, 'notes.md'), 'not a design\n');

    const rows = await collectStatus(repo, new SqliteCheckpointStoreFactory(repo));
    expect(rows.map((row) => [row.id, row.lastResult, row.output])).toEqual([
      ['42', 'approved', 'docs/lld/active/LLD-0042.md'],
      ['1234567890123456789', 'blocked', 'docs/lld/active/LLD-00000000000000000001234567890123456789.md'],
    ]);
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
