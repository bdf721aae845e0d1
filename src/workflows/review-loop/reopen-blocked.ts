import { withLineage } from '../steps/lineage.js';
import type { ContinueAt, LoadedItem, LoopState } from './state.js';

/** The item as collected now, and how it reads in the lineage: a human may have answered the question in it. */
export interface CurrentItem {
  item: LoadedItem;
  markdown: string;
}

/**
 * `--continue`: a blocked item taken up where it stopped, with its whole history (document, verdicts,
 * lineage, cost). Its outcome and published document are cleared, and the round limit and the budget
 * count from here, so `--max-iterations` (or the default) gives it that many more rounds. When the
 * item's text changed since it was loaded (the question answered in the issue), the new text is
 * recorded and used from here on. A state that is not blocked is returned as it is.
 */
export function reopenBlockedLoop(state: LoopState, current: CurrentItem | undefined, date: string): LoopState {
  if (state.outcome?.status !== 'blocked') return state;
  const continueAt = state.outcome.continueAt ?? inferContinueAt(state);
  const reopened: LoopState = {
    ...state,
    stage: continueAt.stage,
    drafterPurpose: continueAt.drafterPurpose,
    outcome: undefined,
    output: undefined,
    finalDocument: undefined,
    pendingRejection: undefined,
    validationFailures: 0,
    validationFailedDocument: undefined,
    roundsBeforeContinue: state.verdicts.length,
    costBeforeContinue: state.costUsd,
  };
  const changed = current !== undefined && state.item !== undefined && !sameItem(current.item, state.item) ? current : undefined;
  const noted = withLineage(
    reopened,
    'continued.md',
    renderContinued(state, state.outcome.reason, continueAt, date, changed !== undefined),
  );
  return changed ? withLineage({ ...noted, item: changed.item }, 'issue.md', changed.markdown) : noted;
}

/** States written before `continueAt` was recorded: mechanical problems are fixed again, a verdict is revised against. */
function inferContinueAt(state: LoopState): ContinueAt {
  if (state.validationErrors.length > 0) return { stage: 'draft', drafterPurpose: 'fix-validation' };
  if (state.verdicts.length > 0) return { stage: 'revise', drafterPurpose: 'revise' };
  return { stage: 'draft', drafterPurpose: 'draft' };
}

function sameItem(left: LoadedItem, right: LoadedItem): boolean {
  return left.title === right.title && left.body === right.body;
}

function renderContinued(state: LoopState, reason: string, continueAt: ContinueAt, date: string, changed: boolean): string {
  const next = continueAt.drafterPurpose === 'fix-validation' ? 'fixing the mechanical problems' : continueAt.stage;
  return [
    '# Continued (--continue)',
    '',
    `- Date: ${date}`,
    `- It was blocked: ${reason}`,
    `- Review rounds so far: ${state.verdicts.length}; model calls so far: ${state.calls}`,
    `- Continues at: ${next}`,
    ...(changed ? ['- The item changed since it was loaded: the next entry is its new text'] : []),
    '',
  ].join('\n');
}
