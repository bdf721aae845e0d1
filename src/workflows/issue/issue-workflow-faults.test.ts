import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScriptedModel } from '../../../test/support/scripted-model.js';
import { temporaryRepository } from '../../git/testing/temporary-repository.js';
import { MemoryCheckpointStoreFactory } from '../../checkpoints/memory-store.js';
import type { CheckpointStoreFactory } from '../../checkpoints/store.js';
import { systemClock } from '../../clock/clock.js';
import { runWorkflow } from '../../runner/run-workflow.js';
import { createIssueWorkflow } from './issue-workflow.js';

const ISSUE =
  '# Add a dark mode toggle\n\n## Problem\n\nGlare.\n\n## Proposed Solution\n\nA toggle.\n\n## Acceptance Criteria\n\n- [ ] Given the toggle is on, pages are dark\n';
const APPROVED = JSON.stringify({ verdict: 'APPROVED', rationale: 'Clear.', feedback_items: [], open_questions: [] });

function briefRepository(): { repo: string; briefs: string } {
  const { repo } = temporaryRepository([]);
  const briefs = join(repo, 'ideas', 'active');
  mkdirSync(briefs, { recursive: true });
  writeFileSync(join(briefs, 'Dark mode.md'), '# Dark mode\n\nUsers at night want a darker theme.\n');
  return { repo, briefs };
}

async function run(repo: string, briefs: string, reviewer: ScriptedModel, checkpoints: CheckpointStoreFactory, runId: string) {
  const controller = new AbortController();
  const workflow = await createIssueWorkflow({
    repo,
    briefsDir: briefs,
    issuesDir: join(repo, 'issues'),
    env: {},
    signal: controller.signal,
    template: '# <Title>\n\n## Problem\n\n## Proposed Solution\n\n## Acceptance Criteria\n',
    repositoryLayout: () => Promise.resolve(['README.md']),
    drafter: new ScriptedModel('drafter', () => ISSUE),
    reviewer,
    limits: { maxIterations: 5, budgetUsd: undefined, maxValidationFailures: 3 },
  });
  return runWorkflow(
    { explicitIds: undefined, all: true, retryFailed: false, parallel: 1, timeoutMs: 60_000 },
    { workflow, checkpoints, clock: systemClock, emit: () => undefined, signal: controller.signal, runId, retryCommand: () => '' },
  );
}

describe('requirements --type issue: a whole audit trail', () => {
  it("a failed item's lineage holds every rejected answer and ends with a failure record; the retry continues after it", async () => {
    const { repo, briefs } = briefRepository();
    const checkpoints = new MemoryCheckpointStoreFactory();
    const failed = await run(
      repo,
      briefs,
      new ScriptedModel('reviewer', (_prompt, index) => `no verdict, answer ${index + 1}`),
      checkpoints,
      'run-1',
    );
    expect(failed.items[0]).toMatchObject({ status: 'failed', llmCalls: 3 });
    expect(failed.items[0]?.error).toMatch(/^the reviewer gave an unusable answer twice in a row: /);
    const lineage = join(repo, 'docs', 'lineage', 'active', 'dark-mode-issue', 'run-1');
    expect(readdirSync(lineage)).toEqual([
      '001-issue.md',
      '002-draft.md',
      '003-rejected-verdict.md',
      '004-rejected-verdict.md',
      '005-failed.json',
    ]);
    expect(readFileSync(join(lineage, '004-rejected-verdict.md'), 'utf8')).toContain('no verdict, answer 2');
    expect(JSON.parse(readFileSync(join(lineage, '005-failed.json'), 'utf8'))).toMatchObject({
      status: 'failed',
      stage: 'review',
      error: failed.items[0]?.error,
      runId: 'run-1',
    });
    expect(existsSync(join(briefs, 'Dark mode.md'))).toBe(true);

    // The retry asks once more, showing the reviewer its latest rejected answer, and numbers on after the record.
    const reviewer = new ScriptedModel('reviewer', () => APPROVED);
    const retried = await run(repo, briefs, reviewer, checkpoints, 'run-2');
    expect(retried.items[0]).toMatchObject({ status: 'succeeded', llmCalls: 1 });
    expect(readdirSync(lineage)).toEqual([
      '001-issue.md',
      '002-draft.md',
      '003-rejected-verdict.md',
      '004-rejected-verdict.md',
      '005-failed.json',
      '006-verdict.md',
      '007-final.md',
      '008-filed.json',
    ]);
    expect(readdirSync(join(repo, 'docs', 'lineage', 'active', 'dark-mode-issue'))).toEqual(['run-1']);
    expect(existsSync(join(repo, 'ideas', 'done', 'Dark mode.md'))).toBe(true);
  });

  it('an item whose lineage cannot be written is not done: its brief stays in active/ until a run writes the lineage', async () => {
    const { repo, briefs } = briefRepository();
    const checkpoints = new MemoryCheckpointStoreFactory();
    // A file where docs/lineage should be: every lineage write fails.
    mkdirSync(join(repo, 'docs'), { recursive: true });
    writeFileSync(join(repo, 'docs', 'lineage'), 'in the way\n');
    const failed = await run(repo, briefs, new ScriptedModel('reviewer', () => APPROVED), checkpoints, 'run-1');
    expect(failed.items[0]).toMatchObject({ status: 'failed', llmCalls: 0 });
    expect(failed.items[0]?.error).toMatch(
      /^could not write .*docs\/lineage\/active\/dark-mode-issue\/run-1\/001-issue\.md: .*\(ENOTDIR\)$/,
    );
    expect(existsSync(join(briefs, 'Dark mode.md'))).toBe(true);

    rmSync(join(repo, 'docs', 'lineage'));
    const retried = await run(repo, briefs, new ScriptedModel('reviewer', () => APPROVED), checkpoints, 'run-2');
    expect(retried.items[0]).toMatchObject({ status: 'succeeded' });
    expect(readdirSync(join(repo, 'docs', 'lineage', 'active', 'dark-mode-issue', 'run-1'))).toEqual([
      '001-issue.md',
      '002-draft.md',
      '003-verdict.md',
      '004-final.md',
      '005-filed.json',
    ]);
    expect(existsSync(join(repo, 'ideas', 'done', 'Dark mode.md'))).toBe(true);
  });
});
