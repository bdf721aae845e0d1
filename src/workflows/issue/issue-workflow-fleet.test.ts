import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedModel } from '../../../test/support/scripted-model.js';
import { MemoryCheckpointStoreFactory } from '../../checkpoints/memory-store.js';
import { FakeClock } from '../../clock/testing/fake-clock.js';
import type { ItemOutcome, ItemSummary, RefusedItem } from '../../core/items.js';
import { collectOutputFiles, writeOutputFiles } from '../../fleet/output-files.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../git/testing/temporary-repository.js';
import type { SourceItem } from '../../items/source-item.js';
import { FakeGitHubServer } from '../../items/testing/fake-github-server.js';
import { runOneItem } from '../../runner/run-item.js';
import { runWorkflow } from '../../runner/run-workflow.js';
import type { ItemContext, Workflow } from '../../runner/types.js';
import { createDeferredIssueWorkflow, createIssueWorkflow, type IssueWorkflow } from './issue-workflow.js';

/**
 * The issue workflow on a fleet, in one process: the worker's half (the deferred workflow in a scratch
 * folder of its own) and the submitter's (its outputs written into the repository as a fleet result's
 * are, then `fileDeferred`), as RemoteWorkflow and the fleet worker put them together.
 */

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
const DISCUSS = JSON.stringify({
  verdict: 'DISCUSS',
  rationale: 'Product must decide whether this is wanted.',
  feedback_items: [],
  open_questions: [{ question: 'Do we want a dark mode at all?', resolved: false, answer: '' }],
});
const TEMPLATE = '# <Title>\n\n## Problem\n\n## Proposed Solution\n\n## Acceptance Criteria\n';
const LIMITS = { maxIterations: 5, budgetUsd: undefined, maxValidationFailures: 3 };
const LINEAGE = ['docs', 'lineage', 'active', 'dark-mode-issue', 'run-1'];

let github: FakeGitHubServer | undefined;
const scratches: string[] = [];

afterEach(async () => {
  await github?.close();
  github = undefined;
  for (const scratch of scratches.splice(0)) rmSync(scratch, { recursive: true, force: true });
});

function briefRepository(): { repo: string; briefs: string; brief: string } {
  const { repo } = temporaryRepository([]);
  const briefs = join(repo, 'ideas', 'active');
  mkdirSync(briefs, { recursive: true });
  const brief = join(briefs, 'Dark mode.md');
  writeFileSync(brief, '---\nlabels: [ui]\n---\n\n# Dark mode\n\nUsers at night want a darker theme.\n');
  return { repo, briefs, brief };
}

function drafter(): ScriptedModel {
  return new ScriptedModel('drafter', (prompt) =>
    prompt.startsWith('The reviewer returned REVISE')
      ? '<<<<<<< SEARCH\n- [ ] Given the toggle is on, pages render with the dark palette\n=======\n- [ ] Given the toggle is on, pages render with the dark palette\n- [ ] The choice survives a reload\n>>>>>>> REPLACE'
      : ISSUE,
  );
}

/** Revises once, then approves; `verdicts` overrides that. */
function reviewer(verdicts: readonly string[] = [REVISE, APPROVED]): ScriptedModel {
  return new ScriptedModel('reviewer', (_prompt, index) => verdicts[Math.min(index, verdicts.length - 1)]!);
}

/** What the worker's half leaves for the submitter to look at: its summary, and the submitter's repository right then. */
interface WorkerEnd {
  summary: ItemSummary;
  briefStillThere: boolean;
  repositoryEntries: string[];
}

/**
 * The fleet of one worker, in process. A job that succeeded is kept, and a later run takes its result
 * again without running it (what FleetClient.submit does with a completed job), then settles it.
 */
class InProcessFleet implements Workflow<SourceItem, unknown> {
  readonly name = 'issue' as const;
  readonly workerEnds: WorkerEnd[] = [];
  private readonly succeeded = new Map<string, { summary: ItemSummary; files: Array<{ path: string; content: string }> }>();

  constructor(
    private readonly repo: string,
    private readonly submitter: IssueWorkflow,
    private readonly clock: FakeClock,
    private readonly models: () => { drafter: ScriptedModel; reviewer: ScriptedModel },
  ) {}

  collectItems(request: {
    ids: string[] | undefined;
    signal: AbortSignal;
    onRefused: (refused: RefusedItem) => void;
  }): Promise<SourceItem[]> {
    return this.submitter.collectItems(request);
  }

  parseState(state: unknown): unknown {
    return state;
  }

  completedOutput(): Promise<string | undefined> {
    return this.submitter.completedOutput();
  }

  async runItem(item: SourceItem, context: ItemContext): Promise<ItemOutcome> {
    const result = this.succeeded.get(item.id) ?? (await this.runOnWorker(item, context));
    await writeOutputFiles(this.repo, result.files);
    const { summary } = result;
    if (summary.status !== 'succeeded' && summary.status !== 'blocked') throw new Error(summary.error ?? summary.status);
    const outcome: ItemOutcome = {
      status: summary.status,
      ...(summary.output === null ? {} : { output: summary.output }),
      ...(summary.error === null ? {} : { reason: summary.error }),
    };
    return this.submitter.fileDeferred(item, outcome, context);
  }

  private async runOnWorker(item: SourceItem, context: ItemContext) {
    const scratch = mkdtempSync(join(tmpdir(), 'lldflow-worker-test-'));
    scratches.push(scratch);
    const worker = createDeferredIssueWorkflow({
      repo: scratch,
      template: TEMPLATE,
      repositoryLayout: () => Promise.resolve(['README.md']),
      ...this.models(),
      limits: LIMITS,
    });
    // The job carries the item as JSON, its path the submitter's.
    const job = JSON.parse(JSON.stringify(item)) as SourceItem;
    const summary = await runOneItem(
      job,
      { kind: 'start' },
      {
        workflow: worker,
        checkpoints: new MemoryCheckpointStoreFactory(),
        clock: this.clock,
        emit: () => undefined,
        runId: context.runId,
        runSignal: context.signal,
        timeoutMs: 60_000,
        redact: (text) => text,
        holdsSecret: () => false,
      },
    );
    this.workerEnds.push({
      summary,
      briefStillThere: existsSync(item.path),
      repositoryEntries: readdirSync(this.repo, { recursive: true }).map(String).sort(),
    });
    const result = { summary, files: await collectOutputFiles(scratch) };
    if (summary.status === 'succeeded') this.succeeded.set(item.id, result);
    return result;
  }
}

async function submitterWorkflow(repo: string, briefs: string, target: { issuesDir?: string; env?: Record<string, string> }) {
  return createIssueWorkflow({
    repo,
    briefsDir: briefs,
    issuesDir: target.issuesDir,
    env: target.env ?? {},
    signal: new AbortController().signal,
    template: TEMPLATE,
    repositoryLayout: () => Promise.resolve(['README.md']),
    // The submitter calls no model: the worker does.
    drafter: new ScriptedModel('drafter', () => {
      throw new Error('the submitter called the drafter');
    }),
    reviewer: new ScriptedModel('reviewer', () => {
      throw new Error('the submitter called the reviewer');
    }),
    limits: LIMITS,
  });
}

function runOn(fleet: InProcessFleet, clock: FakeClock, runId = 'run-1') {
  const controller = new AbortController();
  return runWorkflow(
    { explicitIds: undefined, all: true, retryFailed: false, parallel: 1, timeoutMs: 60_000 },
    {
      workflow: fleet,
      checkpoints: new MemoryCheckpointStoreFactory(),
      clock,
      emit: () => undefined,
      signal: controller.signal,
      runId,
      retryCommand: () => '',
    },
  );
}

describe('requirements --type issue on a fleet: the worker defers the filing, the submitter files', () => {
  it('the worker leaves the approved issue in its lineage and touches no brief; the submitter files it into --issues-dir and moves the brief', async () => {
    const { repo, briefs, brief } = briefRepository();
    const issuesDir = join(repo, 'issues');
    const clock = new FakeClock();
    const fleet = new InProcessFleet(repo, await submitterWorkflow(repo, briefs, { issuesDir }), clock, () => ({
      drafter: drafter(),
      reviewer: reviewer(),
    }));

    const summary = await runOn(fleet, clock);

    const [worker] = fleet.workerEnds;
    expect(worker?.summary).toMatchObject({ status: 'succeeded', output: LINEAGE.join('/'), llmCalls: 4 });
    // When the worker was done: the brief where it was, nothing filed, nothing moved, nothing written here.
    expect(worker?.briefStillThere).toBe(true);
    expect(worker?.repositoryEntries.filter((entry) => !entry.startsWith('.git'))).toEqual([
      'README.md',
      'ideas',
      'ideas/active',
      'ideas/active/Dark mode.md',
      'src',
      'src/index.js',
    ]);

    expect(summary.items[0]).toMatchObject({ id: 'dark-mode', status: 'succeeded', output: 'issues/dark-mode.md' });
    const lineage = join(repo, ...LINEAGE);
    expect(readdirSync(lineage)).toEqual([
      '001-issue.md',
      '002-draft.md',
      '003-verdict.md',
      '004-draft.md',
      '005-verdict.md',
      '006-final.md',
      '007-approved.json',
      '008-filed.json',
    ]);
    const filedIssue = readFileSync(join(issuesDir, 'dark-mode.md'), 'utf8');
    expect(filedIssue).toBe(readFileSync(join(lineage, '006-final.md'), 'utf8'));
    expect(filedIssue).toContain('The choice survives a reload');
    const approved = JSON.parse(readFileSync(join(lineage, '007-approved.json'), 'utf8')) as Record<string, unknown>;
    expect(approved).toMatchObject({ id: 'dark-mode', status: 'approved', rounds: 2, modelCalls: 4, output: LINEAGE.join('/') });
    // The record a local run writes: the worker's, pointing at the filed issue.
    expect(JSON.parse(readFileSync(join(lineage, '008-filed.json'), 'utf8'))).toEqual({
      ...approved,
      output: 'issues/dark-mode.md',
      filed: { output: 'issues/dark-mode.md' },
    });
    expect(existsSync(brief)).toBe(false);
    expect(readdirSync(join(repo, 'ideas', 'done'))).toEqual(['Dark mode.md']);
  });

  it('a succeeded job taken again (a --detach run collected later) is settled again without a second GitHub issue', async () => {
    const { repo, briefs, brief } = briefRepository();
    github = await FakeGitHubServer.start({ owner: 'acme', repo: 'widgets', token: 'gh-test-token' });
    execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git'], {
      cwd: repo,
      env: { ...process.env, ...ISOLATED_GIT_ENV },
    });
    const env = { GITHUB_TOKEN: 'gh-test-token', GITHUB_API_URL: github.baseUrl };
    const clock = new FakeClock();
    const fleet = new InProcessFleet(repo, await submitterWorkflow(repo, briefs, { env }), clock, () => ({
      drafter: drafter(),
      reviewer: reviewer([APPROVED]),
    }));

    const first = await runOn(fleet, clock);
    expect(first.items[0]?.status).toBe('succeeded');
    const url = first.items[0]?.output;
    expect(url).toMatch(/^https?:\/\//);
    // The submitter stopped before the brief moved: the next run collects it again and the fleet hands back the job's result.
    renameSync(join(repo, 'ideas', 'done', 'Dark mode.md'), brief);
    const second = await runOn(fleet, clock, 'run-2');

    expect(fleet.workerEnds).toHaveLength(1);
    expect(second.items[0]).toMatchObject({ status: 'succeeded', output: url });
    expect(github.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(github.issues.map((issue) => [issue.title, issue.labels])).toEqual([['Add a dark mode toggle', ['ui']]]);
    const lineage = join(repo, ...LINEAGE);
    expect(readdirSync(lineage).slice(-3)).toEqual(['004-final.md', '005-approved.json', '006-filed.json']);
    expect(JSON.parse(readFileSync(join(lineage, '006-filed.json'), 'utf8'))).toMatchObject({ output: url, filed: { url } });
    expect(existsSync(brief)).toBe(false);
    expect(readdirSync(join(repo, 'ideas', 'done'))).toEqual(['Dark mode.md']);
  });

  it('a blocked item comes back as it ended on the worker: its lineage, nothing filed, the brief left in active/', async () => {
    const { repo, briefs, brief } = briefRepository();
    const issuesDir = join(repo, 'issues');
    const clock = new FakeClock();
    const fleet = new InProcessFleet(repo, await submitterWorkflow(repo, briefs, { issuesDir }), clock, () => ({
      drafter: drafter(),
      reviewer: reviewer([DISCUSS]),
    }));

    const summary = await runOn(fleet, clock);

    expect(summary.items[0]).toMatchObject({ status: 'blocked', output: LINEAGE.join('/') });
    expect(readdirSync(join(repo, ...LINEAGE)).slice(-2)).toEqual(['004-final.md', '005-blocked.json']);
    expect(existsSync(issuesDir)).toBe(false);
    expect(existsSync(brief)).toBe(true);
    expect(existsSync(join(repo, 'ideas', 'done'))).toBe(false);
  });

  it('the submitter files only from the item’s own lineage folder, and only an approved issue', async () => {
    const { repo, briefs } = briefRepository();
    const issuesDir = join(repo, 'issues');
    const submitter = await submitterWorkflow(repo, briefs, { issuesDir });
    const [item] = await submitter.collectItems({ ids: undefined, onRefused: () => undefined });
    // Never reached: the outcome is refused before anything is read, filed or logged.
    const context = {} as ItemContext;
    for (const output of [
      'docs/lld/active/LLD-dark-mode.md',
      'docs/lineage/active/dark-mode-issue/../../x',
      'docs/lineage/active/other-issue/run-1',
    ])
      await expect(submitter.fileDeferred(item!, { status: 'succeeded', output }, context)).rejects.toThrow(/not a lineage folder under/);
    mkdirSync(join(repo, ...LINEAGE), { recursive: true });
    writeFileSync(join(repo, ...LINEAGE, '001-issue.md'), '# Brief\n');
    await expect(submitter.fileDeferred(item!, { status: 'succeeded', output: LINEAGE.join('/') }, context)).rejects.toThrow(
      /holds no approved issue/,
    );
    expect(existsSync(issuesDir)).toBe(false);
  });

  it('a deferred workflow is handed its items: it collects none and files none', async () => {
    const worker = createDeferredIssueWorkflow({
      repo: tmpdir(),
      template: TEMPLATE,
      repositoryLayout: () => Promise.resolve([]),
      drafter: drafter(),
      reviewer: reviewer(),
      limits: LIMITS,
    });
    await expect(worker.collectItems({ ids: undefined, onRefused: () => undefined })).rejects.toThrow(/collects none/);
    await expect(
      worker.fileDeferred({ id: 'x', title: 'x', body: '', labels: [], path: '/nowhere' }, { status: 'succeeded' }, {} as ItemContext),
    ).rejects.toThrow(/cannot file/);
  });
});
