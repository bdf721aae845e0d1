import { describe, expect, it } from 'vitest';
import { implementBlockedDetail, reopenBlockedImplementation } from './blocked-implementation.js';
import { initialImplementState, type ImplementLimits, type ImplementState, type TestRunRecord } from './implement-state.js';
import { afterApply, afterGreenRun, afterRedRun, budgetLeft, decideImplementStep } from './implement-transitions.js';

const limits: ImplementLimits = { maxIterations: 2, maxTestAttempts: 2, budgetUsd: undefined };
const WORKTREE = { path: '/repo/.lldflow/worktrees/7', branch: '7-implementation' };

function run(iteration: number, passed: boolean, summary: string): TestRunRecord {
  return {
    iteration,
    phase: iteration === 0 ? 'red' : 'green',
    exitCode: passed ? 0 : 1,
    timedOut: false,
    passed,
    durationMs: 10,
    summary,
  };
}

/** An item whose tests went RED, now writing code. */
function writingCode(): ImplementState {
  const state: ImplementState = { ...initialImplementState('run-1', '2026-01-01T00:00:00Z'), worktree: WORKTREE, stage: 'run-red' };
  return afterRedRun(state, run(0, false, 'not ok 1 - feature'), false, limits);
}

/** One code iteration: the code was written, the tests ran with `summary`. */
function iterate(state: ImplementState, summary: string): ImplementState {
  const coded = { ...state, iteration: state.iteration + 1, costUsd: state.costUsd + 0.5, stage: 'run-tests' as const };
  return afterGreenRun(coded, run(coded.iteration, false, summary), summary, limits);
}

/** What finalize does to a blocked item before it is checkpointed at its end. */
function finalized(state: ImplementState): ImplementState {
  return { ...state, stage: 'done', report: 'docs/reports/active/7-implementation-report.md' };
}

describe('reopenBlockedImplementation (--continue)', () => {
  it('an item out of iterations writes code again, told the last failures, with that many more iterations', () => {
    const blocked = iterate(iterate(writingCode(), 'fails: a'), 'fails: b');
    expect(blocked.outcome).toEqual({
      status: 'blocked',
      reason: 'tests still failing after 2 iterations (--max-iterations 2)',
      continueAt: 'write-code',
    });
    const reopened = reopenBlockedImplementation(finalized(blocked), '2026-02-03');
    expect(reopened).toMatchObject({
      stage: 'write-code',
      outcome: undefined,
      report: undefined,
      iteration: 2,
      iterationsBeforeContinue: 2,
      costBeforeContinue: 1,
      worktree: WORKTREE,
      feedback: 'The tests fail:\nfails: b',
    });
    expect(reopened.lineage.at(-1)).toMatchObject({ name: 'continued.md', number: blocked.lineage.length + 1 });
    expect(decideImplementStep(reopened, limits)).toEqual({ kind: 'call-implementer', phase: 'code', traceStep: 'code-3' });
    const third = iterate(reopened, 'fails: c');
    expect(third.outcome).toBeUndefined();
    expect(iterate(third, 'fails: d').outcome).toMatchObject({
      status: 'blocked',
      reason: 'tests still failing after 4 iterations, 2 since --continue (--max-iterations 2)',
    });
  });

  it('the same failures three times block it; continued, the count starts again and the tests stay frozen', () => {
    const roomy = { ...limits, maxIterations: 10 };
    let state = writingCode();
    for (let index = 0; index < 3; index++) {
      const coded = { ...state, iteration: state.iteration + 1, stage: 'run-tests' as const };
      state = afterGreenRun(coded, run(coded.iteration, false, 'same'), 'same', roomy);
    }
    expect(state.outcome).toMatchObject({ status: 'blocked', continueAt: 'write-code' });
    expect(state.testsFrozen).toBe(true);
    const reopened = reopenBlockedImplementation(finalized(state), '2026-02-03');
    expect(reopened).toMatchObject({ sameFailureRuns: 0, testsFrozen: true });
    expect(reopened.feedback).toContain('The tests are frozen');
    const coded = { ...reopened, iteration: reopened.iteration + 1, stage: 'run-tests' as const };
    expect(afterGreenRun(coded, run(coded.iteration, false, 'same'), 'same', roomy).outcome).toBeUndefined();
  });

  it('an item that never wrote a usable test writes tests again, its attempts counted afresh', () => {
    let state: ImplementState = { ...initialImplementState('run-1', 'now'), worktree: WORKTREE, stage: 'apply-tests' };
    const nothing = { written: [], deleted: [], refused: [], problems: ['no file block'], testFiles: [] };
    state = afterApply(state, 'tests', nothing, limits);
    state = afterApply({ ...state, stage: 'apply-tests' }, 'tests', nothing, limits);
    expect(state.outcome).toMatchObject({ status: 'blocked', continueAt: 'write-tests' });
    const reopened = reopenBlockedImplementation(finalized(state), '2026-02-03');
    expect(reopened).toMatchObject({ stage: 'write-tests', testAttempts: 0 });
    expect(reopened.feedback).toContain('An earlier attempt ended blocked: no usable test file after 2 attempts.');
    expect(decideImplementStep(reopened, limits)).toMatchObject({ kind: 'call-implementer', phase: 'tests' });
  });

  it('the budget counts from the continue: a budget-blocked item gets the whole budget again', () => {
    const budget = { ...limits, budgetUsd: 1 };
    const spent = { ...writingCode(), costUsd: 1 };
    expect(decideImplementStep(spent, budget)).toMatchObject({ kind: 'block' });
    expect(budgetLeft(spent, budget)).toBe(0);
    const blocked = finalized({ ...spent, stage: 'finalize', outcome: { status: 'blocked', reason: 'budget', continueAt: 'write-code' } });
    const reopened = reopenBlockedImplementation(blocked, '2026-02-03');
    expect(decideImplementStep(reopened, budget)).toMatchObject({ kind: 'call-implementer', phase: 'code' });
    expect(budgetLeft(reopened, budget)).toBe(1);
  });

  it('leaves a state that is not blocked as it is', () => {
    const state = writingCode();
    expect(reopenBlockedImplementation(state, '2026-02-03')).toBe(state);
  });
});

describe('implementBlockedDetail', () => {
  it('gives the last failing run and the worktree', () => {
    const blocked = iterate(iterate(writingCode(), 'not ok 1 - feature 7 runs'), 'not ok 1 - feature 7 still');
    expect(implementBlockedDetail(blocked)).toEqual({
      questions: [],
      blockingItems: [],
      failingTests: 'not ok 1 - feature 7 still',
      worktree: WORKTREE.path,
    });
  });

  it('names no failing tests when the last run passed or there was none', () => {
    expect(implementBlockedDetail({ ...initialImplementState('run-1', 'now'), worktree: WORKTREE })).toEqual({
      questions: [],
      blockingItems: [],
      worktree: WORKTREE.path,
    });
  });
});
