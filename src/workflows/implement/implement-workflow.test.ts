import { testSandbox } from '../../process/testing/test-sandbox.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  codeFileFor,
  implementRepository,
  implementerCall,
  passingImplementer,
  testFileFor,
} from '../../../test/support/implement-fixtures.js';
import { ScriptedModel } from '../../../test/support/scripted-model.js';
import { MemoryCheckpointStoreFactory } from '../../checkpoints/memory-store.js';
import { systemClock } from '../../clock/clock.js';
import type { Redact } from '../../core/redact.js';
import { SecretRedactor } from '../../keys/redact.js';
import { runWorkflow } from '../../runner/run-workflow.js';
import type { RunEvent } from '../../runner/events.js';
import { ImplementWorkflow } from './implement-workflow.js';
import { isWorkingTreeClean } from '../../git/git.js';
import { testsCannotLoad } from './run-implementation.js';

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
}

async function implement(
  repo: string,
  ids: string[],
  implementer: ScriptedModel,
  options: { parallel?: number; maxIterations?: number; commitLineage?: boolean; redact?: Redact } = {},
) {
  const workflow = new ImplementWorkflow({
    repo,
    implementer,
    limits: { maxIterations: options.maxIterations ?? 5, maxTestAttempts: 3, budgetUsd: undefined },
    baseRef: git(repo, 'rev-parse', 'HEAD'),
    testCommand: 'npm test',
    testTimeoutMs: 60_000,
    ...(options.commitLineage === undefined ? {} : { commitLineage: options.commitLineage }),
    sandbox: { sandbox: testSandbox(), network: false },
  });
  const events: RunEvent[] = [];
  const summary = await runWorkflow(
    { explicitIds: ids, all: false, retryFailed: false, parallel: options.parallel ?? 1, timeoutMs: 120_000 },
    {
      workflow,
      checkpoints: new MemoryCheckpointStoreFactory(),
      clock: systemClock,
      emit: (event) => events.push(event),
      signal: new AbortController().signal,
      runId: 'run-1',
      retryCommand: () => '',
      ...(options.redact ? { redact: options.redact } : {}),
    },
  );
  const output = events.flatMap((event) => (event.type === 'item-output' ? [`[${event.id}] ${event.text}`] : [])).join('');
  return { summary, output };
}

/** Every file path in `branch`'s tree. */
function branchFiles(repo: string, branch: string): string[] {
  return git(repo, 'ls-tree', '-r', '--name-only', branch).split('\n');
}

/** What one item that passes on its first code iteration leaves in its lineage folder. */
const LINEAGE_OF_ONE_ITERATION = [
  '001-lld.md',
  '002-tests-1-prompt.md',
  '003-tests-1-response.md',
  '004-tests-applied.md',
  '005-red-run.md',
  '006-code-1-prompt.md',
  '007-code-1-response.md',
  '008-code-applied.md',
  '009-test-run-1.md',
];

/** The item's lineage folder for run-1 in `root` (the main repository or a worktree). */
function lineageFolder(root: string, id: string): string {
  return join(root, 'docs', 'lineage', 'active', `${id}-implement`, 'run-1');
}

describe('implement workflow (real git, real test runs, scripted implementer)', () => {
  it('implements three LLDs in parallel on three branches whose tests pass, leaving the main working tree untouched', async () => {
    const repo = implementRepository(['1', '2', '3']);
    const head = git(repo, 'rev-parse', 'HEAD');
    const implementer = new ScriptedModel('implementer', passingImplementer);
    const { summary, output } = await implement(repo, ['1', '2', '3'], implementer, { parallel: 3 });
    expect(summary.counts.succeeded, output).toBe(3);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(repo, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(existsSync(join(repo, 'src', 'feature-1.js'))).toBe(false);
    for (const id of ['1', '2', '3']) {
      const worktree = join(repo, '.lldflow', 'worktrees', id);
      expect(git(worktree, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(`${id}-implementation`);
      expect(git(worktree, 'status', '--porcelain')).toBe('');
      execFileSync('npm', ['test'], { cwd: worktree, stdio: 'ignore' });
      const log = git(repo, 'log', '--format=%s', `${id}-implementation`);
      expect(log.split('\n').slice(0, 3)).toEqual([
        `${id}: implement LLD-${id} (lldflow)`,
        `${id}: tests pass (lldflow)`,
        `${id}: tests for LLD-${id} (lldflow)`,
      ]);
      expect(git(repo, 'show', `${id}-implementation:docs/reports/active/${id}-implementation-report.md`)).toContain(
        '**Outcome:** Succeeded',
      );
    }
  });

  it('runs the red-green loop: tests first and failing, then code iterations until the tests pass', async () => {
    const repo = implementRepository(['4']);
    const implementer = new ScriptedModel('implementer', (prompt) => {
      const call = implementerCall(prompt);
      if (call.phase === 'tests') return testFileFor('4');
      return call.iteration === 1 ? codeFileFor('4', 'wrong') : codeFileFor('4');
    });
    const { summary, output } = await implement(repo, ['4'], implementer);
    expect(summary.items[0]?.status, output).toBe('succeeded');
    expect(output).toMatch(/red run: failed[\s\S]*test run 1: failed[\s\S]*test run 2: passed/);
    // The second code prompt carries the failure of the first iteration back to the model.
    expect(implementer.prompts[2]).toContain('The tests fail');
    expect(implementer.prompts[2]).toContain('wrong');
    expect(summary.items[0]?.llmCalls).toBe(3);
  });

  it('refuses writes outside the 2.1 list and escapes with ../, reports them back, and writes nothing there', async () => {
    const repo = implementRepository(['5']);
    const implementer = new ScriptedModel('implementer', (prompt) => {
      const call = implementerCall(prompt);
      if (call.phase === 'tests') return testFileFor('5');
      if (call.iteration === 1)
        return `${codeFileFor('5', 'nearly')}\n\n### File: src/not-in-design.js\n\`\`\`js\nexport const x = 1;\n\`\`\`\n\n### File: ../escaped.js\n\`\`\`js\nexport const y = 2;\n\`\`\``;
      return codeFileFor('5');
    });
    const { summary, output } = await implement(repo, ['5'], implementer);
    expect(summary.items[0]?.status, output).toBe('succeeded');
    const worktree = join(repo, '.lldflow', 'worktrees', '5');
    expect(existsSync(join(worktree, 'src', 'not-in-design.js'))).toBe(false);
    expect(existsSync(join(repo, '.lldflow', 'worktrees', 'escaped.js'))).toBe(false);
    expect(output).toContain('refused src/not-in-design.js');
    expect(output).toContain('refused ../escaped.js');
    expect(implementer.prompts[2]).toMatch(/refused src\/not-in-design\.js/);
    expect(implementer.prompts[2]).toMatch(/refused \.\.\/escaped\.js/);
  });

  it('freezes the tests after the same failure twice, and ends blocked the third time', async () => {
    const repo = implementRepository(['6']);
    const implementer = new ScriptedModel('implementer', (prompt) => {
      const call = implementerCall(prompt);
      if (call.phase === 'tests') return testFileFor('6');
      // Always the same wrong code; once the tests are frozen (iteration 3) it also tries to gut the test.
      const rewriteTest =
        call.iteration >= 3
          ? `\n\n### File: test/feature-6.test.js\n\`\`\`js\nimport { test } from 'node:test';\ntest('gutted', () => {});\n\`\`\``
          : '';
      return codeFileFor('6', 'wrong') + rewriteTest;
    });
    const { summary, output } = await implement(repo, ['6'], implementer);
    expect(summary.items[0]).toMatchObject({ status: 'blocked', error: 'the same tests failed with the same errors three times in a row' });
    expect(implementer.prompts[3]).toContain('The tests are FROZEN');
    expect(output).toContain('refused test/feature-6.test.js');
    const worktree = join(repo, '.lldflow', 'worktrees', '6');
    expect(readFileSync(join(worktree, 'test', 'feature-6.test.js'), 'utf8')).toContain("'ok 6'");
    expect(git(repo, 'log', '-1', '--format=%s', '6-implementation')).toBe('6: implementation of LLD-6 blocked (lldflow)');
  });

  it('ends blocked when the iterations run out', async () => {
    const repo = implementRepository(['7']);
    let attempt = 0;
    const implementer = new ScriptedModel('implementer', (prompt) =>
      implementerCall(prompt).phase === 'tests' ? testFileFor('7') : codeFileFor('7', `wrong ${++attempt}`),
    );
    const { summary } = await implement(repo, ['7'], implementer, { maxIterations: 2 });
    expect(summary.items[0]).toMatchObject({ status: 'blocked', error: expect.stringContaining('--max-iterations 2') as string });
  });
});

describe('implement lineage: in the main repository, not on the implementation branch', () => {
  it('by default writes the lineage to the main repository; the branch holds the tests, the code and the report only', async () => {
    const repo = implementRepository(['8']);
    const implementer = new ScriptedModel('implementer', passingImplementer);
    const { summary, output } = await implement(repo, ['8'], implementer);
    expect(summary.items[0]?.status, output).toBe('succeeded');

    const files = branchFiles(repo, '8-implementation');
    expect(files).toEqual(
      expect.arrayContaining(['test/feature-8.test.js', 'src/feature-8.js', 'docs/reports/active/8-implementation-report.md']),
    );
    expect(files.filter((path) => path.startsWith('docs/lineage/'))).toEqual([]);
    const worktree = join(repo, '.lldflow', 'worktrees', '8');
    expect(existsSync(join(worktree, 'docs', 'lineage'))).toBe(false);
    expect(git(worktree, 'status', '--porcelain')).toBe('');

    expect(readdirSync(lineageFolder(repo, '8')).sort()).toEqual(LINEAGE_OF_ONE_ITERATION);
    expect(readFileSync(join(lineageFolder(repo, '8'), '001-lld.md'), 'utf8')).toContain('Feature 8');
    expect(readFileSync(join(lineageFolder(repo, '8'), '009-test-run-1.md'), 'utf8')).toContain('passed');
    // The lineage is untracked in the main repository, for the user to commit like the requirements workflow's.
    expect(git(repo, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all', '--', 'docs/lineage')).toContain(
      '?? docs/lineage/active/8-implement/run-1/001-lld.md',
    );
  });

  it('with commitLineage commits the lineage on the implementation branch and writes none to the main repository', async () => {
    const repo = implementRepository(['9']);
    const implementer = new ScriptedModel('implementer', passingImplementer);
    const { summary, output } = await implement(repo, ['9'], implementer, { commitLineage: true });
    expect(summary.items[0]?.status, output).toBe('succeeded');

    const lineage = branchFiles(repo, '9-implementation').filter((path) => path.startsWith('docs/lineage/'));
    expect(lineage).toEqual(LINEAGE_OF_ONE_ITERATION.map((name) => `docs/lineage/active/9-implement/run-1/${name}`));
    const worktree = join(repo, '.lldflow', 'worktrees', '9');
    expect(readdirSync(lineageFolder(worktree, '9')).sort()).toEqual(LINEAGE_OF_ONE_ITERATION);
    expect(git(worktree, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(repo, 'docs', 'lineage'))).toBe(false);
  });

  it('refuses an implementer write under docs/lineage/, even one the path policy would allow as a test file', async () => {
    const repo = implementRepository(['10']);
    const forged = `### File: docs/lineage/test/forged.test.js\n\`\`\`js\nexport const forged = true;\n\`\`\``;
    const implementer = new ScriptedModel('implementer', (prompt) =>
      implementerCall(prompt).phase === 'tests' ? `${testFileFor('10')}\n\n${forged}` : codeFileFor('10'),
    );
    const { summary, output } = await implement(repo, ['10'], implementer, { commitLineage: true });
    expect(summary.items[0]?.status, output).toBe('succeeded');
    expect(output).toContain('refused docs/lineage/test/forged.test.js');
    expect(
      readFileSync(
        join(repo, '.lldflow', 'worktrees', '10', 'docs', 'lineage', 'active', '10-implement', 'run-1', '004-tests-applied.md'),
        'utf8',
      ),
    ).toMatch(/## Refused\s+- docs\/lineage\/test\/forged\.test\.js: docs\/lineage\/ holds lldflow's lineage/);
    expect(existsSync(join(repo, '.lldflow', 'worktrees', '10', 'docs', 'lineage', 'test'))).toBe(false);
    expect(branchFiles(repo, '10-implementation')).not.toContain('docs/lineage/test/forged.test.js');
  });

  it('redacts a configured secret in the test output everywhere it is stored: report, lineage, the next prompt', async () => {
    const secret = 'hunter2-implement-secret-0042';
    const repo = implementRepository(['11']);
    // The code assembles the secret and returns it, so the failing test prints it as the actual value; no
    // committed file holds it, only the test output does.
    const implementer = new ScriptedModel('implementer', (prompt) =>
      implementerCall(prompt).phase === 'tests' ? testFileFor('11') : codeFileFor('11', `${secret.slice(0, 8)}' + '${secret.slice(8)}`),
    );
    const redactor = new SecretRedactor([{ value: secret, name: 'openai#1' }]);
    const { summary, output } = await implement(repo, ['11'], implementer, { maxIterations: 2, redact: redactor.redact });
    expect(summary.items[0]?.status, output).toBe('blocked');

    const report = git(repo, 'show', '11-implementation:docs/reports/active/11-implementation-report.md');
    expect(report).toMatch(/## Last test output[\s\S]*openai#1/);
    expect(report).not.toContain(secret);
    const folder = lineageFolder(repo, '11');
    const lineage = readdirSync(folder).map((name) => ({ name, content: readFileSync(join(folder, name), 'utf8') }));
    const testRun = lineage.find((entry) => /^\d{3}-test-run-1\.md$/.test(entry.name));
    expect(testRun?.content).toContain('openai#1');
    for (const entry of lineage) expect(entry.content.includes(secret), entry.name).toBe(false);
    // The failure goes back to the model as feedback, redacted too.
    expect(implementer.prompts[2]).toContain('The tests fail');
    expect(implementer.prompts[2]).toContain('openai#1');
    expect(implementer.prompts[2]).not.toContain(secret);
  });
});

describe('isWorkingTreeClean for implement', () => {
  it("ignores untracked lldflow output (lineage, local state) and nothing else, so a re-run is not refused for implement's own lineage", async () => {
    const repo = implementRepository(['12']);
    expect(await isWorkingTreeClean(repo)).toBe(true);
    mkdirSync(join(repo, 'docs', 'lineage', 'active', '12-implement', 'run-1'), { recursive: true });
    writeFileSync(join(repo, 'docs', 'lineage', 'active', '12-implement', 'run-1', '001-lld.md'), 'lld\n');
    mkdirSync(join(repo, '.lldflow', 'runs'), { recursive: true });
    writeFileSync(join(repo, '.lldflow', 'runs', 'run-1.json'), '{}\n');
    expect(await isWorkingTreeClean(repo)).toBe(true);

    writeFileSync(join(repo, 'docs', 'notes.md'), 'untracked\n');
    expect(await isWorkingTreeClean(repo)).toBe(false);
    rmSync(join(repo, 'docs', 'notes.md'));
    writeFileSync(join(repo, 'README.md'), '# Changed\n');
    expect(await isWorkingTreeClean(repo)).toBe(false);
    git(repo, 'checkout', '--', 'README.md');
    // A committed lineage file that was changed is a change like any other.
    git(repo, 'add', 'docs/lineage');
    expect(await isWorkingTreeClean(repo)).toBe(false);
  });
});

describe('testsCannotLoad', () => {
  it('is true for a syntax error in the tests, false for the code under test not existing yet', () => {
    expect(testsCannotLoad('SyntaxError: Unexpected token (3:10)')).toBe(true);
    expect(testsCannotLoad('E     IndentationError: unexpected indent')).toBe(true);
    expect(testsCannotLoad("SyntaxError: The requested module '../src/case.js' does not provide an export named 'titleCase'")).toBe(false);
    expect(testsCannotLoad("Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/repo/src/feature-1.js'")).toBe(false);
    expect(testsCannotLoad('ImportError: cannot import name "title_case" from "textkit"')).toBe(false);
  });
});
