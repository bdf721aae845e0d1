import { describe, expect, it } from 'vitest';
import { renderAutofix, type AutofixResult } from './autofix.js';
import { initialState, type LoopLimits, type LoopState } from './state.js';
import {
  afterAutofix,
  afterDrafter,
  afterLoad,
  afterReviewer,
  afterValidation,
  decideNextStep,
  UnusableResponseError,
  type ReviewerResult,
} from './transitions.js';

const limits: LoopLimits = { maxIterations: 5, budgetUsd: undefined, maxValidationFailures: 3 };
const call = { costUsd: 0.5 };
const review = { costUsd: 0.25, reviewer: 'openai:gpt', date: '2026-01-01' };
const item = { id: '7', title: 'Seven', body: 'body', labels: [], origin: 'ideas/7.md' };

function drafted(): LoopState {
  const loaded = afterLoad(initialState('run-1', '2026-01-01T00:00:00Z'), item, '# Issue 7');
  return afterValidation(afterDrafter(loaded, { ok: true, document: '# 7 - Doc' }, call), [], limits);
}

function verdict(label: 'APPROVED' | 'REVISE' | 'DISCUSS', blocking: string[] = []): ReviewerResult {
  return {
    ok: true,
    verdict: label,
    blocking,
    blockingSummary: blocking.map((item) => `Section 2: ${item}`),
    detail: { verdict: label },
    markdown: `# ${label}`,
  };
}

describe('review loop transitions', () => {
  it('walks load → draft → validate → review and numbers the lineage in order', () => {
    const state = drafted();
    expect(state.stage).toBe('review');
    expect(decideNextStep(state, limits)).toEqual({ kind: 'call-reviewer', traceStep: 'review-1' });
    expect(state.lineage.map((entry) => `${entry.number}-${entry.name}`)).toEqual(['1-issue.md', '2-draft.md']);
    expect(state.calls).toBe(1);
    expect(state.costUsd).toBe(0.5);
  });

  it('REVISE then APPROVED finalizes as approved', () => {
    let state = afterReviewer(drafted(), verdict('REVISE', ['missing tests']), review, limits);
    expect(state.stage).toBe('revise');
    expect(decideNextStep(state, limits)).toEqual({ kind: 'call-drafter', purpose: 'revise', traceStep: 'revise-2' });
    state = afterValidation(afterDrafter(state, { ok: true, document: '# 7 - Doc v2' }, call), [], limits);
    state = afterReviewer(state, verdict('APPROVED'), review, limits);
    expect(state.stage).toBe('finalize');
    expect(state.outcome).toEqual({ status: 'approved' });
    expect(state.verdicts.map((record) => [record.round, record.verdict])).toEqual([
      [1, 'REVISE'],
      [2, 'APPROVED'],
    ]);
    expect(state.lineage.map((entry) => entry.name)).toEqual(['issue.md', 'draft.md', 'verdict.md', 'draft.md', 'verdict.md']);
  });

  it('DISCUSS ends the item as blocked', () => {
    const state = afterReviewer(drafted(), verdict('DISCUSS'), review, limits);
    expect(state.outcome).toEqual({
      status: 'blocked',
      reason: expect.stringContaining('DISCUSS') as string,
      continueAt: { stage: 'revise', drafterPurpose: 'revise' },
    });
  });

  it('the same blocking items in two REVISE verdicts in a row end it as blocked', () => {
    let state = afterReviewer(drafted(), verdict('REVISE', ['a', 'b']), review, limits);
    state = afterValidation(afterDrafter(state, { ok: true, document: '# 7 v2' }, call), [], limits);
    state = afterReviewer(state, verdict('REVISE', ['b', 'a']), review, limits);
    expect(state.outcome?.status).toBe('blocked');
  });

  it('different blocking items keep revising until --max-iterations', () => {
    const twoRounds = { ...limits, maxIterations: 2 };
    let state = afterReviewer(drafted(), verdict('REVISE', ['a']), review, twoRounds);
    expect(state.stage).toBe('revise');
    state = afterValidation(afterDrafter(state, { ok: true, document: '# 7 v2' }, call), [], twoRounds);
    state = afterReviewer(state, verdict('REVISE', ['c']), review, twoRounds);
    expect(state.outcome).toEqual({
      status: 'blocked',
      reason: expect.stringContaining('2 review rounds') as string,
      continueAt: { stage: 'revise', drafterPurpose: 'revise' },
    });
  });

  it('blocks before a model call once the budget is spent', () => {
    const state = drafted();
    expect(decideNextStep(state, { ...limits, budgetUsd: 0.5 })).toMatchObject({
      kind: 'block',
      reason: expect.stringContaining('budget') as string,
    });
    expect(decideNextStep(state, { ...limits, budgetUsd: 0.6 }).kind).toBe('call-reviewer');
  });

  it('asks again once after an unusable answer, and fails on the second', () => {
    const state = afterReviewer(drafted(), { ok: false, reason: 'not JSON', response: 'hello' }, review, limits);
    expect(state.pendingRejection).toEqual({ reason: 'not JSON', response: 'hello' });
    expect(state.stage).toBe('review');
    expect(state.lineage.at(-1)?.name).toBe('rejected-verdict.md');
    expect(() => afterReviewer(state, { ok: false, reason: 'still not JSON', response: 'x' }, review, limits)).toThrow(
      UnusableResponseError,
    );
    const recovered = afterReviewer(state, verdict('APPROVED'), review, limits);
    expect(recovered.pendingRejection).toBeUndefined();
  });

  it('sends validation errors back to the drafter, and blocks after too many failures in a row', () => {
    const loaded = afterLoad(initialState('run-1', 'now'), item, '# Issue');
    let state = afterDrafter(loaded, { ok: true, document: '# bad' }, call);
    state = afterValidation(state, ['section 3 is missing'], limits);
    expect(state).toMatchObject({
      stage: 'draft',
      drafterPurpose: 'fix-validation',
      validationErrors: ['section 3 is missing'],
      validationFailures: 1,
    });
    expect(decideNextStep(state, limits)).toMatchObject({ kind: 'call-drafter', purpose: 'fix-validation' });
    state = afterValidation(afterDrafter(state, { ok: true, document: '# bad 2' }, call), ['x'], limits);
    expect(state).toMatchObject({ stage: 'draft', validationFailures: 2 });
    state = afterValidation(afterDrafter(state, { ok: true, document: '# bad 3' }, call), ['x'], limits);
    expect(state.outcome).toEqual({
      status: 'blocked',
      reason: 'the draft still fails mechanical validation after 3 attempts: x',
      continueAt: { stage: 'draft', drafterPurpose: 'fix-validation' },
    });
    expect(state.stage).toBe('finalize');
  });

  it('a clean validation resets the failure count and the remembered failing document', () => {
    let state = afterValidation(afterDrafter(loadedItem(), { ok: true, document: '# bad' }, call), ['x'], limits);
    expect(state.validationFailedDocument).toBe('# bad');
    state = afterValidation(afterDrafter(state, { ok: true, document: '# 7 - good' }, call), [], limits);
    expect(state).toMatchObject({ stage: 'review', validationErrors: [], validationFailures: 0, validationFailedDocument: undefined });
  });
});

function loadedItem(): LoopState {
  return afterLoad(initialState('run-1', 'now'), item, '# Issue');
}

describe('afterAutofix', () => {
  const fixed: AutofixResult = {
    document: '# 7 - Doc\n\n## 1. Context & Goal\n',
    fixes: [
      { kind: 'title number', detail: '`# 1007 - Doc` → `# 7 - Doc`' },
      { kind: 'heading', detail: '`## 1 Context & Goal` → `## 1. Context & Goal`' },
    ],
  };

  it('replaces the document and records the fixes in the lineage', () => {
    const drafted = afterDrafter(loadedItem(), { ok: true, document: '# 1007 - Doc\n\n## 1 Context & Goal\n' }, call);
    const state = afterAutofix(drafted, fixed);
    expect(state.document).toBe(fixed.document);
    expect(state.stage).toBe('validate');
    expect(state.calls).toBe(drafted.calls);
    expect(state.lineage.map((entry) => `${entry.number}-${entry.name}`)).toEqual(['1-issue.md', '2-draft.md', '3-autofix.md']);
    expect(state.lineage.at(-1)?.content).toBe(renderAutofix(fixed));
    expect(state.lineage.at(-1)?.content).toContain('- title number: `# 1007 - Doc` → `# 7 - Doc`');
  });

  it('changes nothing when there is nothing to fix', () => {
    const drafted = afterDrafter(loadedItem(), { ok: true, document: fixed.document }, call);
    expect(afterAutofix(drafted, { document: fixed.document, fixes: [] })).toBe(drafted);
    expect(afterAutofix(drafted, fixed)).toBe(drafted);
  });

  it('the fixed document is the one validation remembers', () => {
    const drafted = afterDrafter(loadedItem(), { ok: true, document: '# 1007 - Doc' }, call);
    const state = afterValidation(afterAutofix(drafted, fixed), ['section 2 is missing'], limits);
    expect(state.validationFailedDocument).toBe(fixed.document);
  });
});

describe('a drafter that cannot fix the mechanical problems', () => {
  const reason = /^the drafter could not fix the mechanical problems/;

  function failedOnce(): LoopState {
    return afterValidation(afterDrafter(loadedItem(), { ok: true, document: '# bad' }, call), ['section 3 is missing', 'no title'], limits);
  }

  it('sending the document back unchanged when asked to fix validation blocks the item', () => {
    const before = failedOnce();
    const state = afterDrafter(before, { ok: false, reason: 'the revision changed nothing', response: '# bad', unchanged: true }, call);
    expect(state.stage).toBe('finalize');
    expect(state.outcome).toEqual({
      status: 'blocked',
      reason: 'the drafter could not fix the mechanical problems (it sent the same document back): section 3 is missing; no title',
      continueAt: { stage: 'draft', drafterPurpose: 'fix-validation' },
    });
    expect(state.validationErrors).toEqual(['section 3 is missing', 'no title']);
    expect(state.lineage.at(-1)).toMatchObject({
      name: 'rejected-draft.md',
      content: '<!-- rejected: the revision changed nothing -->\n\n# bad',
    });
    expect(state.calls).toBe(before.calls + 1);
    expect(state.pendingRejection).toBeUndefined();
    expect(decideNextStep(state, limits)).toEqual({ kind: 'finalize' });
  });

  it('an unchanged answer to a revision is asked for again, not blocked', () => {
    const revising = afterReviewer(drafted(), verdict('REVISE', ['missing tests']), review, limits);
    const state = afterDrafter(
      revising,
      { ok: false, reason: 'the revision changed nothing', response: '# 7 - Doc', unchanged: true },
      call,
    );
    expect(state.outcome).toBeUndefined();
    expect(state.stage).toBe('revise');
    expect(state.pendingRejection).toEqual({ reason: 'the revision changed nothing', response: '# 7 - Doc' });
  });

  it('another unusable answer while fixing validation is asked for again, not blocked', () => {
    const state = afterDrafter(failedOnce(), { ok: false, reason: 'no edit blocks', response: 'hmm' }, call);
    expect(state.outcome).toBeUndefined();
    expect(state.pendingRejection).toEqual({ reason: 'no edit blocks', response: 'hmm' });
  });

  it('the same failing document validated twice in a row blocks the item', () => {
    const first = failedOnce();
    const state = afterValidation(afterDrafter(first, { ok: true, document: '# bad' }, call), ['section 3 is missing'], limits);
    expect(state.stage).toBe('finalize');
    expect(state.outcome).toEqual({
      status: 'blocked',
      reason: expect.stringMatching(reason) as string,
      continueAt: { stage: 'draft', drafterPurpose: 'fix-validation' },
    });
    expect(state.outcome?.status === 'blocked' ? state.outcome.reason : '').toContain('section 3 is missing');
    expect(state.validationErrors).toEqual(['section 3 is missing']);
    expect(state.lineage.at(-1)?.name).toBe('validation.md');
  });

  it('a changed document that still fails goes back to the drafter', () => {
    const state = afterValidation(
      afterDrafter(failedOnce(), { ok: true, document: '# bad, less so' }, call),
      ['section 3 is missing'],
      limits,
    );
    expect(state.outcome).toBeUndefined();
    expect(state).toMatchObject({ stage: 'draft', drafterPurpose: 'fix-validation', validationFailures: 2 });
  });
});
