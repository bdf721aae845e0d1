import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
import { runWorkflow } from '../../runner/run-workflow.js';
import type { RunEvent } from '../../runner/events.js';
import { ImplementWorkflow } from './implement-workflow.js';
import { testsCannotLoad } from './run-implementation.js';

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
}

async function implement(
  repo: string,
  ids: string[],
  implementer: ScriptedModel,
  options: { parallel?: number; maxIterations?: number } = {},
) {
  const workflow = new ImplementWorkflow({
    repo,
    implementer,
    limits: { maxIterations: options.maxIterations ?? 5, maxTestAttempts: 3, budgetUsd: undefined },
    baseRef: git(repo, 'rev-parse', 'HEAD'),
    testCommand: 'npm test',
    testTimeoutMs: 60_000,
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
    },
  );
  const output = events.flatMap((event) => (event.type === 'item-output' ? [`[${event.id}] ${event.text}`] : [])).join('');
  return { summary, output };
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

describe('testsCannotLoad', () => {
  it('is true for a syntax error in the tests, false for the code under test not existing yet', () => {
    expect(testsCannotLoad('SyntaxError: Unexpected token (3:10)')).toBe(true);
    expect(testsCannotLoad('E     IndentationError: unexpected indent')).toBe(true);
    expect(testsCannotLoad("SyntaxError: The requested module '../src/case.js' does not provide an export named 'titleCase'")).toBe(false);
    expect(testsCannotLoad("Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/repo/src/feature-1.js'")).toBe(false);
    expect(testsCannotLoad('ImportError: cannot import name "title_case" from "textkit"')).toBe(false);
  });
});
