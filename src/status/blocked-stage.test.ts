import { describe, expect, it } from 'vitest';
import { blockedStage } from './blocked-stage.js';

describe('blockedStage', () => {
  it.each([
    [['issue.md', 'draft.md', 'autofix.md', 'validation.md', 'draft.md', 'validation.md', 'final.md', 'blocked.json'], 'validate'],
    [['issue.md', 'draft.md', 'verdict.md', 'draft.md', 'verdict.md', 'final.md', 'blocked.json'], 'review 2'],
    [['issue.md', 'draft.md', 'verdict.md', 'rejected-verdict.md', 'failed.json'], 'review 2'],
    [['issue.md', 'draft.md', 'verdict.md', 'rejected-draft.md'], 'revise 1'],
  ])('a review loop: %j → %s', (names, stage) => {
    expect(blockedStage('lld', names)).toBe(stage);
    expect(
      blockedStage(
        'issue',
        names.map((name, index) => `${String(index + 1).padStart(3, '0')}-${name}`),
      ),
    ).toBe(stage);
  });

  it.each([
    [['lld.md', 'tests-1-prompt.md', 'tests-1-response.md', 'tests-applied.md', 'tests-2-prompt.md'], 'write tests'],
    [['lld.md', 'tests-1-turn.md', 'red-run.md'], 'red run'],
    [
      [
        'lld.md',
        'red-run.md',
        'code-1-prompt.md',
        'code-1-response.md',
        'code-applied.md',
        'test-run-1.md',
        'code-2-turn.md',
        'code-applied.md',
      ],
      'code 2',
    ],
    [['lld.md', 'red-run.md', 'code-3-prompt.md', 'code-applied.md', 'test-run-3.md', 'report.md'], 'green run 3'],
  ])('an implementation: %j → %s', (names, stage) => {
    expect(blockedStage('implement', names)).toBe(stage);
  });

  it('nothing that names a stage: undefined', () => {
    expect(blockedStage('lld', ['final.md', 'blocked.json'])).toBeUndefined();
  });
});
