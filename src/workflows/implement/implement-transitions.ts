import { withLineage } from '../steps/lineage.js';
import type { ImplementContinueAt, ImplementLimits, ImplementState, PlannedFile, TestRunRecord } from './implement-state.js';

/** What the executor must do next, decided purely from the state. */
export type ImplementStep =
  | { kind: 'load' }
  | { kind: 'worktree' }
  | { kind: 'call-implementer'; phase: 'tests' | 'code'; traceStep: string }
  | { kind: 'apply'; phase: 'tests' | 'code' }
  /** A coding agent's turn in the worktree, then lldflow's check of what it changed. */
  | { kind: 'agent-turn'; phase: 'tests' | 'code'; traceStep: string }
  | { kind: 'govern'; phase: 'tests' | 'code' }
  | { kind: 'run-tests'; phase: 'red' | 'green' }
  | { kind: 'block'; reason: string }
  | { kind: 'finalize' }
  | { kind: 'done' };

/** How the implementer works: it answers with files (a model), or edits the worktree itself (a coding agent). */
export type ImplementerKind = 'model' | 'agent';

export function decideImplementStep(state: ImplementState, limits: ImplementLimits, implementer: ImplementerKind = 'model'): ImplementStep {
  const write = implementer === 'agent' ? 'agent-turn' : 'call-implementer';
  const apply = implementer === 'agent' ? 'govern' : 'apply';
  switch (state.stage) {
    case 'load':
      return { kind: 'load' };
    case 'worktree':
      return { kind: 'worktree' };
    case 'write-tests':
      if (overBudget(state, limits)) return budgetBlock(state, limits);
      return { kind: write, phase: 'tests', traceStep: `tests-${state.testAttempts + 1}` };
    case 'apply-tests':
      return { kind: apply, phase: 'tests' };
    case 'run-red':
      return { kind: 'run-tests', phase: 'red' };
    case 'write-code':
      if (overBudget(state, limits)) return budgetBlock(state, limits);
      return { kind: write, phase: 'code', traceStep: `code-${state.iteration + 1}` };
    case 'apply-code':
      return { kind: apply, phase: 'code' };
    case 'run-tests':
      return { kind: 'run-tests', phase: 'green' };
    case 'finalize':
      return { kind: 'finalize' };
    case 'done':
      return { kind: 'done' };
  }
}

function overBudget(state: ImplementState, limits: ImplementLimits): boolean {
  return limits.budgetUsd !== undefined && spentSinceContinue(state) >= limits.budgetUsd;
}

function budgetBlock(state: ImplementState, limits: ImplementLimits): ImplementStep {
  const since = state.costBeforeContinue > 0 ? ' since --continue' : '';
  return { kind: 'block', reason: `budget of $${limits.budgetUsd} reached ($${spentSinceContinue(state).toFixed(4)} spent${since})` };
}

/** What the budget still allows (a coding agent's own spending limit): it caps what was spent since the latest --continue. */
export function budgetLeft(state: ImplementState, limits: ImplementLimits): number | undefined {
  return limits.budgetUsd === undefined ? undefined : Math.max(0, limits.budgetUsd - spentSinceContinue(state));
}

function spentSinceContinue(state: ImplementState): number {
  return state.costUsd - state.costBeforeContinue;
}

/**
 * Ends the item as blocked. `continueAt` is where `--continue` takes it up; by default the phase the
 * item was in (a budget stop before writing tests or code).
 */
export function blockImplementation(
  state: ImplementState,
  reason: string,
  continueAt: ImplementContinueAt = TEST_PHASE_STAGES.has(state.stage) ? 'write-tests' : 'write-code',
): ImplementState {
  return { ...state, stage: 'finalize', outcome: { status: 'blocked', reason, continueAt } };
}

const TEST_PHASE_STAGES: ReadonlySet<ImplementState['stage']> = new Set(['load', 'worktree', 'write-tests', 'apply-tests', 'run-red']);

export function afterLoadLld(
  state: ImplementState,
  lld: NonNullable<ImplementState['lld']>,
  files: PlannedFile[],
  scenarios: string[],
): ImplementState {
  return withLineage({ ...state, lld, files, scenarios, stage: 'worktree' }, 'lld.md', lld.document);
}

export function afterWorktree(state: ImplementState, worktree: { path: string; branch: string }): ImplementState {
  return { ...state, worktree, stage: state.stage === 'worktree' ? 'write-tests' : state.stage };
}

export function afterImplementerAnswer(
  state: ImplementState,
  phase: 'tests' | 'code',
  response: string,
  prompt: string,
  call: { costUsd: number },
): ImplementState {
  const counted = { ...state, calls: state.calls + 1, costUsd: state.costUsd + call.costUsd, pendingResponse: response };
  const label = phase === 'tests' ? `tests-${state.testAttempts + 1}` : `code-${state.iteration + 1}`;
  const withPrompt = withLineage(counted, `${label}-prompt.md`, prompt);
  const recorded = withLineage(withPrompt, `${label}-response.md`, response);
  return phase === 'tests' ? { ...recorded, stage: 'apply-tests' } : { ...recorded, stage: 'apply-code', iteration: state.iteration + 1 };
}

/** What applying an answer did: files written and deleted, and everything refused or unparseable. */
export interface ApplyReport {
  written: string[];
  deleted: string[];
  refused: Array<{ path: string; reason: string }>;
  problems: string[];
  /** Of `written`, the test files. */
  testFiles: string[];
}

export function afterApply(
  state: ImplementState,
  phase: 'tests' | 'code',
  report: ApplyReport,
  limits: ImplementLimits,
  feedback = refusalFeedback(report),
): ImplementState {
  const recorded = withLineage(
    { ...state, pendingResponse: undefined, written: union(state.written, report.written) },
    `${phase}-applied.md`,
    renderApply(report),
  );
  if (phase === 'code') return { ...recorded, stage: 'run-tests', feedback };
  if (report.testFiles.length === 0) {
    const attempts = state.testAttempts + 1;
    if (attempts >= limits.maxTestAttempts)
      return blockImplementation(recorded, `no usable test file after ${attempts} attempts`, 'write-tests');
    return { ...recorded, testAttempts: attempts, stage: 'write-tests', feedback: `No test file was written. ${feedback ?? ''}`.trim() };
  }
  return { ...recorded, testFiles: union(state.testFiles, report.testFiles), stage: 'run-red', feedback };
}

/** A run that could not even load the tests goes back to the implementer; it does not count as RED. */
export function afterRedRun(state: ImplementState, run: TestRunRecord, collectionError: boolean, limits: ImplementLimits): ImplementState {
  const recorded = withLineage({ ...state, testRuns: [...state.testRuns, run] }, 'red-run.md', renderRun(run));
  if (run.passed || collectionError) {
    const attempts = state.testAttempts + 1;
    const why = run.passed
      ? 'The tests pass before any implementation exists, so they do not test the new behaviour. Write tests that fail until the design is implemented.'
      : `The tests could not be loaded:\n${run.summary}`;
    if (attempts >= limits.maxTestAttempts)
      return blockImplementation(
        recorded,
        run.passed ? 'the tests never failed before the implementation (no RED)' : 'the tests could not be loaded',
        'write-tests',
      );
    return { ...recorded, testAttempts: attempts, stage: 'write-tests', feedback: why };
  }
  // What applying the tests refused (or governance reverted) still goes back to the implementer.
  const refusals = state.feedback && state.stage === 'run-red' ? `\n\n${state.feedback}` : '';
  return {
    ...recorded,
    stage: 'write-code',
    feedback: `The tests fail as expected before implementation (RED):\n${run.summary}${refusals}`,
  };
}

/**
 * The same failures twice in a row freeze the tests (only code may change from then on); a third
 * time ends the item as blocked, as does running out of iterations.
 */
export function afterGreenRun(state: ImplementState, run: TestRunRecord, signature: string, limits: ImplementLimits): ImplementState {
  const recorded = withLineage({ ...state, testRuns: [...state.testRuns, run] }, `test-run-${run.iteration}.md`, renderRun(run));
  if (run.passed)
    return { ...recorded, stage: 'finalize', outcome: { status: 'succeeded' }, lastFailureSignature: undefined, sameFailureRuns: 0 };
  const sameFailureRuns = signature === state.lastFailureSignature ? state.sameFailureRuns + 1 : 1;
  const next = { ...recorded, lastFailureSignature: signature, sameFailureRuns };
  if (sameFailureRuns >= 3)
    return blockImplementation(next, 'the same tests failed with the same errors three times in a row', 'write-code');
  const iterationsThisTime = state.iteration - state.iterationsBeforeContinue;
  if (iterationsThisTime >= limits.maxIterations) {
    const since = state.iterationsBeforeContinue > 0 ? `, ${iterationsThisTime} since --continue` : '';
    return blockImplementation(
      next,
      `tests still failing after ${state.iteration} iterations${since} (--max-iterations ${limits.maxIterations})`,
      'write-code',
    );
  }
  const frozen = state.testsFrozen || sameFailureRuns >= 2;
  const frozenNote =
    frozen && !state.testsFrozen
      ? '\n\nThe same tests failed twice in a row with the same errors: the tests are now frozen. Change only the code.'
      : '';
  const refusals = state.feedback && state.stage === 'run-tests' ? `\n\n${state.feedback}` : '';
  return { ...next, testsFrozen: frozen, stage: 'write-code', feedback: `The tests fail:\n${run.summary}${refusals}${frozenNote}` };
}

export function afterImplementationFinalized(state: ImplementState, report: string, commit: string | undefined): ImplementState {
  return { ...state, stage: 'done', report, commits: commit ? [...state.commits, commit] : state.commits };
}

export function withCommit(state: ImplementState, commit: string | undefined): ImplementState {
  return commit ? { ...state, commits: [...state.commits, commit] } : state;
}

function refusalFeedback(report: ApplyReport): string | undefined {
  const lines = [
    ...report.refused.map((refusal) => `- refused ${refusal.path}: ${refusal.reason}`),
    ...report.problems.map((problem) => `- ${problem}`),
  ];
  return lines.length > 0 ? `Some of your answer was not applied:\n${lines.join('\n')}` : undefined;
}

function renderApply(report: ApplyReport): string {
  const list = (title: string, items: string[]): string[] =>
    items.length > 0 ? [`## ${title}`, '', ...items.map((item) => `- ${item}`), ''] : [];
  return [
    '# Files applied',
    '',
    ...list('Written', report.written),
    ...list('Deleted', report.deleted),
    ...list(
      'Refused',
      report.refused.map((refusal) => `${refusal.path}: ${refusal.reason}`),
    ),
    ...list('Problems', report.problems),
  ].join('\n');
}

function renderRun(run: TestRunRecord): string {
  const verdict = run.passed ? 'passed' : run.timedOut ? 'timed out' : `failed (exit ${run.exitCode ?? 'none'})`;
  return `# Test run ${run.iteration} (${run.phase}): ${verdict}\n\nDuration: ${run.durationMs} ms\n\n\`\`\`\n${run.summary}\n\`\`\`\n`;
}

function union(left: string[], right: string[]): string[] {
  return [...new Set([...left, ...right])];
}
