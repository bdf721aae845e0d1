import { renderAutofix, type AutofixResult } from './autofix.js';
import { withLineage } from '../steps/lineage.js';
import { FailedStepError } from '../steps/step-driver.js';
import type { ContinueAt, LoadedItem, LoopLimits, LoopState, VerdictLabel } from './state.js';

/** What the executor must do next. Decided purely from the state and the limits. */
export type NextStep =
  | { kind: 'load' }
  | { kind: 'call-drafter'; purpose: LoopState['drafterPurpose']; traceStep: string }
  | { kind: 'validate' }
  | { kind: 'call-reviewer'; traceStep: string }
  | { kind: 'block'; reason: string }
  | { kind: 'finalize' }
  | { kind: 'done' };

export function decideNextStep(state: LoopState, limits: LoopLimits): NextStep {
  switch (state.stage) {
    case 'load':
      return { kind: 'load' };
    case 'draft':
    case 'revise':
      if (overBudget(state, limits)) return budgetBlock(state, limits);
      return { kind: 'call-drafter', purpose: state.drafterPurpose, traceStep: `${state.drafterPurpose}-${state.drafterCalls + 1}` };
    case 'validate':
      return { kind: 'validate' };
    case 'review':
      if (overBudget(state, limits)) return budgetBlock(state, limits);
      return { kind: 'call-reviewer', traceStep: `review-${state.reviewerCalls + 1}` };
    case 'finalize':
      return { kind: 'finalize' };
    case 'done':
      return { kind: 'done' };
  }
}

/** The budget caps what the item spent since it was last continued (all of it, if never). */
function overBudget(state: LoopState, limits: LoopLimits): boolean {
  return limits.budgetUsd !== undefined && spentSinceContinue(state) >= limits.budgetUsd;
}

function budgetBlock(state: LoopState, limits: LoopLimits): NextStep {
  const since = state.costBeforeContinue > 0 ? ' since --continue' : '';
  return { kind: 'block', reason: `budget of $${limits.budgetUsd} reached ($${spentSinceContinue(state).toFixed(4)} spent${since})` };
}

function spentSinceContinue(state: LoopState): number {
  return state.costUsd - state.costBeforeContinue;
}

export function afterLoad(state: LoopState, item: LoadedItem, issueMarkdown: string): LoopState {
  return withLineage({ ...state, item, stage: 'draft', drafterPurpose: 'draft' }, 'issue.md', issueMarkdown);
}

export interface CallCost {
  costUsd: number;
}

function counted(state: LoopState, call: CallCost, role: 'drafter' | 'reviewer'): LoopState {
  return {
    ...state,
    calls: state.calls + 1,
    costUsd: state.costUsd + call.costUsd,
    drafterCalls: state.drafterCalls + (role === 'drafter' ? 1 : 0),
    reviewerCalls: state.reviewerCalls + (role === 'reviewer' ? 1 : 0),
  };
}

/**
 * The drafter's answer, already parsed by the document kind: a document, or the reason it was
 * unusable (`unchanged`: it gave back the document it was asked to change).
 */
export type DrafterResult = { ok: true; document: string } | { ok: false; reason: string; response: string; unchanged?: boolean };

/**
 * A usable document goes to mechanical validation. An unusable one is asked for again once with the
 * reason; a second unusable answer in a row is an error (thrown, so the item fails and its last
 * committed state — the one asking again — is what a retry resumes from).
 */
export function afterDrafter(state: LoopState, result: DrafterResult, call: CallCost): LoopState {
  const next = counted(state, call, 'drafter');
  // Asked to fix mechanical problems, the drafter sent the same document: it cannot fix them, a human must look.
  if (!result.ok && result.unchanged && state.drafterPurpose === 'fix-validation') {
    return cannotFix(
      withLineage(next, 'rejected-draft.md', `<!-- rejected: ${result.reason} -->\n\n${result.response}`),
      state.validationErrors,
    );
  }
  if (!result.ok) return rejected(next, result.reason, result.response, 'drafter', 'rejected-draft.md');
  return withLineage({ ...next, document: result.document, stage: 'validate', pendingRejection: undefined }, 'draft.md', result.document);
}

/** The autofixed document replaces the draft; the lineage records what was fixed. Nothing fixed: no entry. */
export function afterAutofix(state: LoopState, result: AutofixResult): LoopState {
  if (result.fixes.length === 0 || result.document === state.document) return state;
  return withLineage({ ...state, document: result.document }, 'autofix.md', renderAutofix(result));
}

export function afterValidation(state: LoopState, errors: string[], limits: LoopLimits): LoopState {
  if (errors.length === 0)
    return { ...state, stage: 'review', validationErrors: [], validationFailures: 0, validationFailedDocument: undefined };
  const failures = state.validationFailures + 1;
  const listed = withLineage({ ...state, validationFailedDocument: state.document }, 'validation.md', renderValidation(errors, failures));
  if (state.validationFailures > 0 && state.document === state.validationFailedDocument) return cannotFix(listed, errors);
  if (failures >= limits.maxValidationFailures) {
    return block(
      { ...listed, validationErrors: errors, validationFailures: failures },
      `the draft still fails mechanical validation after ${failures} attempts: ${errors.slice(0, 3).join('; ')}`,
      FIX_VALIDATION,
    );
  }
  return { ...listed, stage: 'draft', drafterPurpose: 'fix-validation', validationErrors: errors, validationFailures: failures };
}

export type ReviewerResult =
  | { ok: true; verdict: VerdictLabel; blocking: string[]; blockingSummary: string[]; detail: unknown; markdown: string }
  | { ok: false; reason: string; response: string };

export function afterReviewer(
  state: LoopState,
  result: ReviewerResult,
  call: CallCost & { reviewer: string; date: string },
  limits: LoopLimits,
): LoopState {
  const next = counted(state, call, 'reviewer');
  if (!result.ok) return rejected(next, result.reason, result.response, 'reviewer', 'rejected-verdict.md');
  const round = next.verdicts.length + 1;
  const record = {
    round,
    verdict: result.verdict,
    reviewer: call.reviewer,
    date: call.date,
    blocking: result.blocking,
    blockingSummary: result.blockingSummary,
    detail: result.detail,
  };
  const reviewed = withLineage(
    { ...next, pendingRejection: undefined, verdicts: [...next.verdicts, record] },
    'verdict.md',
    result.markdown,
  );
  if (result.verdict === 'APPROVED') return { ...reviewed, stage: 'finalize', outcome: { status: 'approved' } };
  if (result.verdict === 'DISCUSS') return block(reviewed, 'the reviewer asked for a human decision (DISCUSS)', REVISE);
  // A verdict from before the latest --continue does not count: continuing gives the drafter a fresh chance.
  const previous = state.verdicts.length > state.roundsBeforeContinue ? state.verdicts.at(-1) : undefined;
  if (previous?.verdict === 'REVISE' && result.blocking.length > 0 && sameItems(previous.blocking, result.blocking)) {
    return block(reviewed, `the same blocking items were raised twice in a row: ${result.blocking.join('; ')}`, REVISE);
  }
  const roundsThisTime = round - state.roundsBeforeContinue;
  if (roundsThisTime >= limits.maxIterations) {
    const since = state.roundsBeforeContinue > 0 ? `, ${roundsThisTime} since --continue` : '';
    return block(reviewed, `not approved after ${round} review rounds${since} (--max-iterations ${limits.maxIterations})`, REVISE);
  }
  return { ...reviewed, stage: 'revise', drafterPurpose: 'revise' };
}

/** After a verdict that blocks, a continued item is revised against that verdict. */
const REVISE: ContinueAt = { stage: 'revise', drafterPurpose: 'revise' };
/** After mechanical problems that block, a continued item's drafter tries to fix them again. */
const FIX_VALIDATION: ContinueAt = { stage: 'draft', drafterPurpose: 'fix-validation' };

function cannotFix(state: LoopState, errors: readonly string[]): LoopState {
  return block(
    { ...state, validationErrors: [...errors] },
    `the drafter could not fix the mechanical problems (it sent the same document back): ${errors.slice(0, 3).join('; ')}`,
    FIX_VALIDATION,
  );
}

/**
 * Ends the item as blocked. `continueAt` is where `--continue` takes it up; by default the step it was
 * about to take (a budget stop before a drafter or reviewer call).
 */
export function block(state: LoopState, reason: string, continueAt: ContinueAt = continueWhereStopped(state)): LoopState {
  return { ...state, stage: 'finalize', outcome: { status: 'blocked', reason, continueAt } };
}

function continueWhereStopped(state: LoopState): ContinueAt {
  if (state.stage === 'draft' || state.stage === 'revise' || state.stage === 'review') {
    return { stage: state.stage, drafterPurpose: state.drafterPurpose };
  }
  return state.verdicts.length > 0 ? REVISE : { stage: 'draft', drafterPurpose: state.drafterPurpose };
}

/**
 * The finished document is known; the final lineage files (final document, approval record) close the
 * trail. `document` is what publishing writes to `output`, after the lineage is on disk.
 */
export function afterFinalize(
  state: LoopState,
  output: string,
  lineage: ReadonlyArray<{ name: string; content: string }>,
  document?: string,
): LoopState {
  const withFiles = lineage.reduce((current, entry) => withLineage(current, entry.name, entry.content), state);
  return { ...withFiles, stage: 'done', output, ...(document === undefined ? {} : { finalDocument: document }) };
}

/**
 * Thrown when a model gives an unusable answer twice in a row. It carries the state with that answer
 * in the lineage and asked about again, so the item's trail holds every rejected answer and a retry
 * asks once more with the latest rejection.
 */
export class UnusableResponseError extends FailedStepError {
  override readonly name = 'UnusableResponseError';
}

function rejected(state: LoopState, reason: string, response: string, role: string, lineageName: string): LoopState {
  const next = withLineage(
    { ...state, pendingRejection: { reason, response } },
    lineageName,
    `<!-- rejected: ${reason} -->\n\n${response}`,
  );
  if (state.pendingRejection) {
    throw new UnusableResponseError(`the ${role} gave an unusable answer twice in a row: ${reason}`, next);
  }
  return next;
}

function sameItems(left: string[], right: string[]): boolean {
  const sortedLeft = [...left].sort();
  const sortedRight = [...right].sort();
  return sortedLeft.length === sortedRight.length && sortedLeft.every((item, index) => item === sortedRight[index]);
}

function renderValidation(errors: string[], attempt: number): string {
  return [`# Mechanical validation failed (attempt ${attempt})`, '', ...errors.map((error) => `- ${error}`), ''].join('\n');
}
