import { describe, expect, it } from 'vitest';
import { initialState, type LoopState } from '../review-loop/state.js';
import { finalDocument, finalRecord } from './finalize-lld.js';
import { lldFinalStatus } from './lld-status.js';

function finishedState(outcome: LoopState['outcome']): LoopState {
  return {
    ...initialState('run-1', '2026-03-01T10:00:00.000Z'),
    item: { id: '12', title: 'Retry on 429', body: '', labels: [], origin: 'issues/12.md' },
    document:
      '# 12 - Fix: Retry on 429\n\n## 1. Context & Goal\n\n* **Status:** Draft\n\n## Appendix: Review Log\n\n| copied from the template |\n',
    verdicts: [
      {
        round: 1,
        verdict: 'REVISE',
        reviewer: 'google:gemini-2.5-pro',
        date: '2026-03-01',
        blocking: ['2.1 | the path is wrong'],
        blockingSummary: ['§2.1 The path is wrong'],
        detail: {},
      },
      {
        round: 2,
        verdict: 'APPROVED',
        reviewer: 'google:gemini-2.5-pro-002',
        date: '2026-03-02',
        blocking: [],
        blockingSummary: [],
        detail: {},
      },
    ],
    calls: 4,
    costUsd: 0.0123,
    outcome,
  };
}

describe('finalDocument', () => {
  it('sets the status line with the reviewer that answered and replaces any copied review log with one row per verdict', () => {
    const document = finalDocument(finishedState({ status: 'approved' }), '2026-03-02');
    expect(document).toContain('* **Status:** Approved (reviewed by google:gemini-2.5-pro-002, 2026-03-02) · finalized 2026-03-02');
    expect(lldFinalStatus(document)).toBe('approved');
    expect(document).not.toContain('copied from the template');
    expect(document).toContain('| 1 | 2026-03-01 | REVISE | google:gemini-2.5-pro | §2.1 The path is wrong |');
    expect(document).toContain('| 2 | 2026-03-02 | APPROVED | google:gemini-2.5-pro-002 | — |');
  });

  it('marks a blocked design as blocked, with the reason', () => {
    const document = finalDocument(
      finishedState({ status: 'blocked', reason: 'the reviewer asked for a human decision (DISCUSS)' }),
      '2026-03-02',
    );
    expect(lldFinalStatus(document)).toBe('blocked');
    expect(document).toContain('— the reviewer asked for a human decision (DISCUSS)');
  });

  it('records rounds, verdicts, calls and cost for the approval file', () => {
    const record = finalRecord(finishedState({ status: 'approved' }), {
      output: 'docs/lld/active/LLD-012.md',
      drafter: 'anthropic:claude',
      durationMs: 5000,
    });
    expect(record).toMatchObject({
      id: '12',
      status: 'approved',
      rounds: 2,
      modelCalls: 4,
      costUsd: 0.0123,
      reviewer: 'google:gemini-2.5-pro-002',
      output: 'docs/lld/active/LLD-012.md',
    });
    expect(record.verdicts[0]?.blocking).toEqual(['§2.1 The path is wrong']);
  });
});
