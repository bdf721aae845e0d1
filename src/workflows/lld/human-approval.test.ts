import { describe, expect, it } from 'vitest';
import { initialState, type LoopState } from '../review-loop/state.js';
import { finalDocument } from './finalize-lld.js';
import { humanApprovalRecord, humanApprovedDocument, type HumanApproval } from './human-approval.js';
import { lldFinalStatus } from './lld-status.js';

const APPROVAL: HumanApproval = {
  approver: { name: 'Jane Doe', email: 'jane@example.test' },
  at: Date.parse('2026-04-05T06:07:08Z'),
  reason: 'Split only with { breakWords: true } | agreed with the maintainers',
};

function blockedDesign(): string {
  const state: LoopState = {
    ...initialState('run-1', '2026-03-01T10:00:00.000Z'),
    item: { id: '12', title: 'Wrap long words', body: '', labels: [], origin: 'issues/12.md' },
    document: '# 12 - Fix: Wrap long words\n\n## 1. Context & Goal\n\n* **Status:** Draft\n\n## 2. Proposed Changes\n\nText.\n',
    verdicts: [
      {
        round: 1,
        verdict: 'REVISE',
        reviewer: 'openai:r',
        date: '2026-03-01',
        blocking: ['x'],
        blockingSummary: ['2.1 wrong path'],
        detail: {},
      },
      { round: 2, verdict: 'DISCUSS', reviewer: 'openai:r', date: '2026-03-02', blocking: [], blockingSummary: [], detail: {} },
    ],
    outcome: { status: 'blocked', reason: 'the reviewer asked for a human decision (DISCUSS)' },
  };
  return finalDocument(state, '2026-03-02');
}

describe('humanApprovedDocument', () => {
  it('sets the status line to Approved by the git user with the date and reason, so implement reads it as approved', () => {
    const before = blockedDesign();
    expect(lldFinalStatus(before)).toBe('blocked');
    const approved = humanApprovedDocument(before, APPROVAL);
    expect(lldFinalStatus(approved)).toBe('approved');
    expect(approved).toContain(
      '* **Status:** Approved (human approval by Jane Doe <jane@example.test>, 2026-04-05) — Split only with { breakWords: true } | agreed with the maintainers',
    );
    expect(approved).not.toContain('**Status:** Blocked');
    expect(approved).toContain('## 2. Proposed Changes\n\nText.');
  });

  it('adds a row to the review log after the reviewers’ rows, numbered after them', () => {
    const lines = humanApprovedDocument(blockedDesign(), APPROVAL).split('\n');
    const log = lines.slice(lines.indexOf('## Appendix: Review Log'));
    expect(log.filter((line) => line.startsWith('|'))).toEqual([
      '| Round | Date | Verdict | Reviewer | Key blocking items |',
      '|-------|------|---------|----------|--------------------|',
      '| 1 | 2026-03-01 | REVISE | openai:r | 2.1 wrong path |',
      '| 2 | 2026-03-02 | DISCUSS | openai:r | — |',
      '| 3 | 2026-04-05 | APPROVED (human) | Jane Doe <jane@example.test> | Split only with { breakWords: true } \\| agreed with the maintainers |',
    ]);
  });

  it('gives a design without a review log (a hand-written draft) one, and a status line under its title', () => {
    const approved = humanApprovedDocument('# 7 - Feature: Seven\n\n## 1. Context\n\nText.\n', { ...APPROVAL, reason: undefined });
    expect(approved.split('\n').slice(0, 3)).toEqual([
      '# 7 - Feature: Seven',
      '',
      '* **Status:** Approved (human approval by Jane Doe <jane@example.test>, 2026-04-05)',
    ]);
    expect(approved.trimEnd().split('\n').slice(-3)).toEqual([
      '| Round | Date | Verdict | Reviewer | Key blocking items |',
      '|-------|------|---------|----------|--------------------|',
      '| 1 | 2026-04-05 | APPROVED (human) | Jane Doe <jane@example.test> | — |',
    ]);
    expect(lldFinalStatus(approved)).toBe('approved');
  });
});

describe('humanApprovalRecord', () => {
  it('names who approved, when, why and what the design was before', () => {
    expect(humanApprovalRecord({ id: '12', design: 'docs/lld/active/LLD-012.md', previousStatus: 'blocked' }, APPROVAL)).toEqual({
      id: '12',
      status: 'approved',
      approvedBy: 'human',
      approver: { name: 'Jane Doe', email: 'jane@example.test' },
      approvedAt: '2026-04-05T06:07:08.000Z',
      reason: 'Split only with { breakWords: true } | agreed with the maintainers',
      previousStatus: 'blocked',
      design: 'docs/lld/active/LLD-012.md',
    });
  });
});
