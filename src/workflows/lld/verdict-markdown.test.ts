import { describe, expect, it } from 'vitest';
import { renderVerdictMarkdown } from './verdict-markdown.js';
import type { Verdict } from './verdict.js';

const verdict: Verdict = {
  verdict: 'REVISE',
  rationale: '## Summary\n\nGood start; one blocking problem.',
  feedback_items: [
    { tier: 3, category: 'Style', section: '', issue: 'Shorter titles', recommendation: '' },
    { tier: 1, category: 'Correctness', section: '2.1', issue: 'Path `src/x.ts`\ndoes not exist', recommendation: 'Use `src/y.ts`' },
  ],
  open_questions: [
    { question: 'Keep the flag?', resolved: true, answer: 'Yes' },
    { question: 'Which default?', resolved: false, answer: '' },
  ],
};

describe('renderVerdictMarkdown', () => {
  const markdown = renderVerdictMarkdown(verdict, { round: 2, reviewer: 'openai:gpt-test', date: new Date('2026-03-01T10:00:00Z') });

  it('starts with the round and verdict and records who and when', () => {
    expect(markdown.split('\n').slice(0, 7)).toEqual([
      '# Review round 2: REVISE',
      '',
      '- Verdict: **REVISE**',
      '- Reviewer: openai:gpt-test',
      '- Date: 2026-03-01T10:00:00.000Z',
      '- Feedback: 1 blocking, 0 should fix, 1 suggestions',
      '',
    ]);
  });

  it('groups items by tier, blocking first, each on one list entry', () => {
    const tier1 = markdown.indexOf('### Tier 1: blocking');
    const tier3 = markdown.indexOf('### Tier 3: suggestions');
    expect(tier1).toBeGreaterThan(-1);
    expect(tier3).toBeGreaterThan(tier1);
    expect(markdown).not.toContain('### Tier 2');
    expect(markdown).toContain('1. **Correctness, section 2.1:** Path `src/x.ts` does not exist\n   - Recommendation: Use `src/y.ts`');
    expect(markdown).toContain('1. **Style:** Shorter titles');
  });

  it('lists open questions with their state and the rationale last', () => {
    expect(markdown).toContain('- [x] Keep the flag? — Yes\n- [ ] Which default?\n');
    expect(markdown.trimEnd().endsWith('## Rationale\n\n## Summary\n\nGood start; one blocking problem.')).toBe(true);
  });

  it('accepts a date string and leaves out empty parts', () => {
    const plain = renderVerdictMarkdown(
      { verdict: 'APPROVED', rationale: 'Fine.', feedback_items: [], open_questions: [] },
      { round: 1, reviewer: 'replay:x', date: '2026-03-01' },
    );
    expect(plain).toContain('- Date: 2026-03-01');
    expect(plain).not.toContain('## Feedback');
    expect(plain).not.toContain('## Open questions');
  });
});
