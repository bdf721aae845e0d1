import { describe, expect, it } from 'vitest';
import { loopBlockedDetail } from './blocked-detail.js';
import { reopenBlockedLoop } from './reopen-blocked.js';
import { initialState, type LoopLimits, type LoopState } from './state.js';
import { afterDrafter, afterLoad, afterReviewer, afterValidation, block, decideNextStep, type ReviewerResult } from './transitions.js';

const limits: LoopLimits = { maxIterations: 2, budgetUsd: undefined, maxValidationFailures: 2 };
const call = { costUsd: 0.5 };
const review = { costUsd: 0.25, reviewer: 'openai:gpt', date: '2026-01-01' };
const item = { id: '7', title: 'Seven', body: 'Please add seven.', labels: [], origin: 'items/7.md' };

function reviewed(): LoopState {
  const loaded = afterLoad(initialState('run-1', '2026-01-01T00:00:00Z'), item, '# Issue 7');
  return afterValidation(afterDrafter(loaded, { ok: true, document: '# 7 - Doc' }, call), [], limits);
}

function verdict(label: 'APPROVED' | 'REVISE' | 'DISCUSS', blocking: string[] = [], detail: unknown = { verdict: label }): ReviewerResult {
  return {
    ok: true,
    verdict: label,
    blocking,
    blockingSummary: blocking.map((entry) => `Section 2: ${entry}`),
    detail,
    markdown: `# ${label}`,
  };
}

/** Revise → review once more, with the given verdict. */
function revised(state: LoopState, result: ReviewerResult, document: string): LoopState {
  const drafted = afterValidation(afterDrafter(state, { ok: true, document }, call), [], limits);
  return afterReviewer(drafted, result, review, limits);
}

/** What finalize does to a blocked item before it is checkpointed at its end. */
function finalized(state: LoopState): LoopState {
  return { ...state, stage: 'done', output: 'docs/lld/active/LLD-007.md', finalDocument: '# 7 - Doc\n\n* **Status:** Blocked' };
}

describe('reopenBlockedLoop (--continue)', () => {
  it('takes an item blocked at --max-iterations up at a revision, with its history and that many more rounds', () => {
    const blocked = finalized(
      revised(afterReviewer(reviewed(), verdict('REVISE', ['a']), review, limits), verdict('REVISE', ['b']), '# v2'),
    );
    expect(blocked.outcome?.status).toBe('blocked');
    const reopened = reopenBlockedLoop(blocked, undefined, '2026-02-03');
    expect(reopened).toMatchObject({
      stage: 'revise',
      drafterPurpose: 'revise',
      outcome: undefined,
      output: undefined,
      finalDocument: undefined,
      roundsBeforeContinue: 2,
      costBeforeContinue: blocked.costUsd,
      verdicts: blocked.verdicts,
      document: '# v2',
    });
    expect(reopened.lineage.slice(0, -1)).toEqual(blocked.lineage);
    expect(reopened.lineage.at(-1)).toMatchObject({ number: blocked.lineage.length + 1, name: 'continued.md' });
    expect(reopened.lineage.at(-1)?.content).toContain('It was blocked: not approved after 2 review rounds');
    // The revision call numbers on from the item's earlier calls: the replay step names stay stable.
    expect(decideNextStep(reopened, limits)).toEqual({ kind: 'call-drafter', purpose: 'revise', traceStep: 'revise-3' });
    // Rounds 3 and 4 are the two more; round 4 blocks again.
    // Round 3 raises round 2's items again: a verdict before the continue does not count for "twice in a row".
    const round3 = revised(reopened, verdict('REVISE', ['b']), '# v3');
    expect(round3.stage).toBe('revise');
    const round4 = revised(round3, verdict('REVISE', ['d']), '# v4');
    expect(round4.outcome).toMatchObject({
      status: 'blocked',
      reason: 'not approved after 4 review rounds, 2 since --continue (--max-iterations 2)',
    });
  });

  it('a DISCUSS item is revised against that verdict, and the rule on repeated blocking items holds within its new rounds', () => {
    const first = afterReviewer(reviewed(), verdict('REVISE', ['a']), review, limits);
    const discussed = finalized(revised(first, verdict('DISCUSS', ['a']), '# v2'));
    const reopened = reopenBlockedLoop(discussed, undefined, '2026-02-03');
    expect(reopened).toMatchObject({ stage: 'revise', drafterPurpose: 'revise' });
    const afterContinue = revised(reopened, verdict('REVISE', ['a']), '# v3');
    expect(afterContinue.outcome).toBeUndefined();
    // A repeat within the continued rounds still blocks.
    expect(revised(afterContinue, verdict('REVISE', ['a']), '# v4').outcome).toMatchObject({
      status: 'blocked',
      reason: expect.stringContaining('twice in a row') as string,
    });
  });

  it('an item blocked by mechanical problems goes back to fixing them, its failure count reset', () => {
    const loaded = afterLoad(initialState('run-1', 'now'), item, '# Issue');
    let state = afterValidation(afterDrafter(loaded, { ok: true, document: '# bad' }, call), ['section 3 is missing'], limits);
    state = afterValidation(afterDrafter(state, { ok: true, document: '# bad 2' }, call), ['section 3 is missing'], limits);
    expect(state.outcome?.status).toBe('blocked');
    const reopened = reopenBlockedLoop(finalized(state), undefined, '2026-02-03');
    expect(reopened).toMatchObject({
      stage: 'draft',
      drafterPurpose: 'fix-validation',
      validationFailures: 0,
      validationFailedDocument: undefined,
      validationErrors: ['section 3 is missing'],
    });
    expect(decideNextStep(reopened, limits)).toMatchObject({ kind: 'call-drafter', purpose: 'fix-validation' });
  });

  it('a budget stop continues at the call it stopped before, and the budget counts from the continue', () => {
    const budget = { ...limits, budgetUsd: 0.5 };
    const state = reviewed();
    const step = decideNextStep(state, budget);
    expect(step).toMatchObject({ kind: 'block' });
    const blocked = finalized(block(state, step.kind === 'block' ? step.reason : ''));
    const reopened = reopenBlockedLoop(blocked, undefined, '2026-02-03');
    expect(reopened.stage).toBe('review');
    expect(decideNextStep(reopened, budget)).toEqual({ kind: 'call-reviewer', traceStep: 'review-1' });
  });

  it('takes in the item’s new text when a human answered in it, and records it', () => {
    const blocked = finalized(afterReviewer(reviewed(), verdict('DISCUSS'), review, limits));
    const answered = { ...item, body: 'Please add seven. Answer: split words only with breakWords.' };
    const reopened = reopenBlockedLoop(blocked, { item: answered, markdown: '# Issue 7 (answered)' }, '2026-02-03');
    expect(reopened.item).toEqual(answered);
    expect(reopened.lineage.slice(-2).map((entry) => entry.name)).toEqual(['continued.md', 'issue.md']);
    expect(reopened.lineage.at(-1)?.content).toBe('# Issue 7 (answered)');
    const unchanged = reopenBlockedLoop(blocked, { item, markdown: '# Issue 7' }, '2026-02-03');
    expect(unchanged.lineage.at(-1)?.name).toBe('continued.md');
  });

  it('infers where to continue for a blocked state written before --continue existed', () => {
    const blocked = finalized(afterReviewer(reviewed(), verdict('DISCUSS'), review, limits));
    const old: LoopState = { ...blocked, outcome: { status: 'blocked', reason: 'the reviewer asked for a human decision (DISCUSS)' } };
    expect(reopenBlockedLoop(old, undefined, '2026-02-03')).toMatchObject({ stage: 'revise', drafterPurpose: 'revise' });
  });

  it('leaves a state that is not blocked as it is', () => {
    const approved = afterReviewer(reviewed(), verdict('APPROVED'), review, limits);
    expect(reopenBlockedLoop(approved, undefined, '2026-02-03')).toBe(approved);
  });
});

describe('loopBlockedDetail', () => {
  it('gives a DISCUSS verdict’s unresolved open questions and its blocking items', () => {
    const detail = {
      rationale: '### Summary\n\nIt rests on a product decision.',
      open_questions: [
        { question: 'Split long words by default?', resolved: false, answer: '' },
        { question: 'Keep URLs whole?', resolved: true, answer: 'Yes.' },
        { question: 'Release as\n0.4.0?', resolved: false, answer: '' },
      ],
    };
    const state = afterReviewer(reviewed(), verdict('DISCUSS', ['default behaviour'], detail), review, limits);
    expect(loopBlockedDetail(state)).toEqual({
      questions: ['Split long words by default?', 'Release as 0.4.0?'],
      blockingItems: ['Section 2: default behaviour'],
    });
  });

  it('without open questions, a DISCUSS verdict’s question is the first line of its rationale', () => {
    const detail = { rationale: '### Why a human\n\nShould the default change for every caller?\n\nMore.', open_questions: [] };
    const state = afterReviewer(reviewed(), verdict('DISCUSS', [], detail), review, limits);
    expect(loopBlockedDetail(state).questions).toEqual(['Should the default change for every caller?']);
  });

  it('gives the mechanical problems of an item validation stopped, and no questions', () => {
    const loaded = afterLoad(initialState('run-1', 'now'), item, '# Issue');
    let state = afterValidation(afterDrafter(loaded, { ok: true, document: '# bad' }, call), ['section 3 is missing', 'no title'], limits);
    state = afterValidation(afterDrafter(state, { ok: true, document: '# bad 2' }, call), ['section 3 is missing'], limits);
    expect(loopBlockedDetail(state)).toEqual({ questions: [], blockingItems: ['section 3 is missing'] });
  });
});
