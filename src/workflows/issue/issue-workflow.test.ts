import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedModel } from '../../../test/support/scripted-model.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../git/testing/temporary-repository.js';
import { MemoryCheckpointStoreFactory } from '../../checkpoints/memory-store.js';
import { systemClock } from '../../clock/clock.js';
import { FakeGitHubServer } from '../../items/testing/fake-github-server.js';
import { runWorkflow } from '../../runner/run-workflow.js';
import { createIssueWorkflow } from './issue-workflow.js';

const ISSUE = [
  '# Add a dark mode toggle',
  '',
  '## Problem',
  '',
  'Night users get glare.',
  '',
  '## Proposed Solution',
  '',
  'A toggle in settings.',
  '',
  '## Acceptance Criteria',
  '',
  '- [ ] Given the toggle is on, pages render with the dark palette',
  '',
].join('\n');
const APPROVED = JSON.stringify({ verdict: 'APPROVED', rationale: 'Clear.', feedback_items: [], open_questions: [] });
const REVISE = JSON.stringify({
  verdict: 'REVISE',
  rationale: 'Needs a criterion.',
  feedback_items: [
    { tier: 1, category: 'testability', section: 'Acceptance Criteria', issue: 'No criterion for persistence', recommendation: 'Add one' },
  ],
  open_questions: [],
});
let github: FakeGitHubServer | undefined;

afterEach(async () => {
  await github?.close();
  github = undefined;
});

function briefRepository(): { repo: string; briefs: string } {
  const { repo } = temporaryRepository([]);
  const briefs = join(repo, 'ideas', 'active');
  mkdirSync(briefs, { recursive: true });
  writeFileSync(join(briefs, 'Dark mode.md'), '# Dark mode\n\nUsers at night want a darker theme.\n');
  return { repo, briefs };
}

async function run(repo: string, briefs: string, options: { issuesDir?: string; env?: Record<string, string> } = {}) {
  const drafter = new ScriptedModel('drafter', (prompt) =>
    prompt.startsWith('The reviewer returned REVISE')
      ? '<<<<<<< SEARCH\n- [ ] Given the toggle is on, pages render with the dark palette\n=======\n- [ ] Given the toggle is on, pages render with the dark palette\n- [ ] The choice survives a reload\n>>>>>>> REPLACE'
      : ISSUE,
  );
  const reviewer = new ScriptedModel('reviewer', (_prompt, index) => (index === 0 ? REVISE : APPROVED));
  const controller = new AbortController();
  const workflow = await createIssueWorkflow({
    repo,
    briefsDir: briefs,
    issuesDir: options.issuesDir,
    env: options.env ?? {},
    signal: controller.signal,
    template: '# <Title>\n\n## Problem\n\n## Proposed Solution\n\n## Acceptance Criteria\n',
    repositoryLayout: () => Promise.resolve(['README.md']),
    drafter,
    reviewer,
    limits: { maxIterations: 5, budgetUsd: undefined, maxValidationFailures: 3 },
  });
  return runWorkflow(
    { explicitIds: undefined, all: true, retryFailed: false, parallel: 2, timeoutMs: 60_000 },
    {
      workflow,
      checkpoints: new MemoryCheckpointStoreFactory(),
      clock: systemClock,
      emit: () => undefined,
      signal: controller.signal,
      runId: 'run-1',
      retryCommand: () => '',
    },
  );
}

describe('requirements --type issue', () => {
  it('turns a brief into a reviewed issue file in --issues-dir and moves the brief to ideas/done/', async () => {
    const { repo, briefs } = briefRepository();
    const issuesDir = join(repo, 'issues');
    const summary = await run(repo, briefs, { issuesDir });
    expect(summary.items[0]).toMatchObject({ id: 'dark-mode', status: 'succeeded', output: 'issues/dark-mode.md', llmCalls: 4 });
    const filed = readFileSync(join(issuesDir, 'dark-mode.md'), 'utf8');
    expect(filed).toContain('# Add a dark mode toggle');
    expect(filed).toContain('The choice survives a reload');
    expect(existsSync(join(briefs, 'Dark mode.md'))).toBe(false);
    expect(existsSync(join(repo, 'ideas', 'done', 'Dark mode.md'))).toBe(true);
    const lineage = join(repo, 'docs', 'lineage', 'active', 'dark-mode-issue', 'run-1');
    expect(readdirSync(lineage)).toEqual([
      '001-issue.md',
      '002-draft.md',
      '003-verdict.md',
      '004-draft.md',
      '005-verdict.md',
      '006-final.md',
      '007-filed.json',
    ]);
  });

  it('files the approved issue on GitHub through the origin remote, with the brief labels', async () => {
    const { repo, briefs } = briefRepository();
    github = await FakeGitHubServer.start({ owner: 'acme', repo: 'widgets', token: 'gh-test-token' });
    execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git'], {
      cwd: repo,
      env: { ...process.env, ...ISOLATED_GIT_ENV },
    });
    const summary = await run(repo, briefs, { env: { GITHUB_TOKEN: 'gh-test-token', GITHUB_API_URL: github.baseUrl } });
    expect(summary.items[0]?.status).toBe('succeeded');
    const created = github.requests.filter((request) => request.method === 'POST');
    expect(created).toHaveLength(1);
    expect(created[0]?.body).toMatchObject({ title: 'Add a dark mode toggle' });
    expect(github.issues.map((issue) => issue.title)).toEqual(['Add a dark mode toggle']);
    expect(summary.items[0]?.output).toMatch(/^https?:\/\//);
  });
});
