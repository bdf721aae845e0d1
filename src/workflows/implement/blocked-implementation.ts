import type { BlockedDetail } from '../../core/items.js';
import { withLineage } from '../steps/lineage.js';
import type { ImplementContinueAt, ImplementState } from './implement-state.js';

/** What a human needs to act on a blocked implementation: the last failing test run and where the work is. */
export function implementBlockedDetail(state: ImplementState): BlockedDetail {
  const last = state.testRuns.at(-1);
  return {
    questions: [],
    blockingItems: [],
    ...(last && !last.passed ? { failingTests: last.summary } : {}),
    ...(state.worktree ? { worktree: state.worktree.path } : {}),
  };
}

/**
 * `--continue`: a blocked implementation taken up where it stopped, in the same worktree and branch,
 * with its history (tests, commits, test runs, an agent's session). Its outcome and report are cleared;
 * the iteration limit, the test-writing attempts, the same-failure count and the budget count from
 * here, so `--max-iterations` (or the default) gives it that many more iterations. The implementer is
 * told the last failures again. A state that is not blocked is returned as it is.
 */
export function reopenBlockedImplementation(state: ImplementState, date: string): ImplementState {
  if (state.outcome?.status !== 'blocked') return state;
  const reason = state.outcome.reason;
  const continueAt = state.outcome.continueAt ?? inferContinueAt(state);
  const reopened: ImplementState = {
    ...state,
    stage: continueAt,
    outcome: undefined,
    report: undefined,
    pendingResponse: undefined,
    testAttempts: 0,
    sameFailureRuns: 0,
    iterationsBeforeContinue: state.iteration,
    costBeforeContinue: state.costUsd,
    feedback: continuedFeedback(state, continueAt, reason),
  };
  return withLineage(reopened, 'continued.md', renderContinued(state, reason, continueAt, date));
}

/** States written before `continueAt` was recorded: once a code iteration ran, the code goes on; else the tests. */
function inferContinueAt(state: ImplementState): ImplementContinueAt {
  return state.testRuns.some((run) => run.phase === 'green') || state.iteration > 0 ? 'write-code' : 'write-tests';
}

function continuedFeedback(state: ImplementState, continueAt: ImplementContinueAt, reason: string): string {
  const last = state.testRuns.at(-1);
  if (continueAt === 'write-code' && last && !last.passed) {
    return `The tests fail:\n${last.summary}${state.testsFrozen ? '\n\nThe tests are frozen: change only the code.' : ''}`;
  }
  return [`An earlier attempt ended blocked: ${reason}.`, state.feedback].filter((part) => part !== undefined).join('\n\n');
}

function renderContinued(state: ImplementState, reason: string, continueAt: ImplementContinueAt, date: string): string {
  return [
    '# Continued (--continue)',
    '',
    `- Date: ${date}`,
    `- It was blocked: ${reason}`,
    `- Code iterations so far: ${state.iteration}; model calls so far: ${state.calls}`,
    `- Continues at: ${continueAt === 'write-code' ? 'writing code' : 'writing tests'}`,
    ...(state.worktree ? [`- Worktree: ${state.worktree.path} (branch ${state.worktree.branch})`] : []),
    '',
  ].join('\n');
}
