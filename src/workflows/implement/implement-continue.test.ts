import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { codeFileFor, implementRepository, implementerCall, testFileFor } from '../../../test/support/implement-fixtures.js';
import { ScriptedModel } from '../../../test/support/scripted-model.js';
import { MemoryCheckpointStoreFactory } from '../../checkpoints/memory-store.js';
import { systemClock } from '../../clock/clock.js';
import { testSandbox } from '../../process/testing/test-sandbox.js';
import { runWorkflow } from '../../runner/run-workflow.js';
import { ImplementWorkflow } from './implement-workflow.js';

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
}

describe('implement: a blocked item continued', () => {
  it('lists the failing tests and the worktree, then --continue goes on in the same worktree with more iterations', async () => {
    const repo = implementRepository(['7']);
    // Wrong twice, right on the third code iteration.
    const implementer = new ScriptedModel('implementer', (prompt) => {
      const call = implementerCall(prompt);
      if (call.phase === 'tests') return testFileFor('7');
      return call.iteration >= 3 ? codeFileFor('7') : codeFileFor('7', `wrong ${call.iteration}`);
    });
    const workflow = new ImplementWorkflow({
      repo,
      implementer,
      limits: { maxIterations: 2, maxTestAttempts: 3, budgetUsd: undefined },
      baseRef: git(repo, 'rev-parse', 'HEAD'),
      testCommand: 'npm test',
      testTimeoutMs: 60_000,
      sandbox: { sandbox: testSandbox(), network: false },
    });
    const checkpoints = new MemoryCheckpointStoreFactory();
    const run = (continueBlocked: boolean, runId: string) =>
      runWorkflow(
        { explicitIds: ['7'], all: false, retryFailed: false, continueBlocked, parallel: 1, timeoutMs: 120_000 },
        {
          workflow,
          checkpoints,
          clock: systemClock,
          emit: () => undefined,
          signal: new AbortController().signal,
          runId,
          retryCommand: () => '',
          blockedCommands: { continueItems: (ids) => `continue ${ids.join(',')}`, continueAllBlocked: () => 'continue all' },
        },
      );

    const blocked = await run(false, 'run-1');
    const worktree = `${repo}/.lldflow/worktrees/7`;
    expect(blocked.items[0]).toMatchObject({ status: 'blocked', error: 'tests still failing after 2 iterations (--max-iterations 2)' });
    expect(blocked.items[0]?.blocked).toMatchObject({ questions: [], blockingItems: [], worktree, continueCommand: 'continue 7' });
    expect(blocked.items[0]?.blocked?.failingTests).toContain("'wrong 2'");
    expect(blocked.items[0]?.blocked?.approveCommand).toBeUndefined();
    const calls = implementer.prompts.length;

    const continued = await run(true, 'run-2');
    expect(continued.items[0]).toMatchObject({
      status: 'succeeded',
      output: '7-implementation:docs/reports/active/7-implementation-report.md',
    });
    // One more code call, nothing before it asked again; the prompt carries the failures that blocked it.
    expect(implementer.prompts.slice(calls).map((prompt) => implementerCall(prompt))).toEqual([
      { itemId: '7', phase: 'code', iteration: 3 },
    ]);
    expect(implementer.prompts.at(-1)).toContain("'wrong 2'");
    expect(git(repo, 'log', '--format=%s', '7-implementation').split('\n')).toEqual([
      '7: implement LLD-7 (lldflow)',
      '7: tests pass (lldflow)',
      '7: implementation of LLD-7 blocked (lldflow)',
      '7: tests for LLD-7 (lldflow)',
      'approved designs',
      'initial',
    ]);
  }, 120_000);
});
