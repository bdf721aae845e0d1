import { describe, expect, it } from 'vitest';
import { parseEditBlocks } from './edit-blocks.js';
import {
  DRAFTER_SYSTEM_PROMPT,
  REPO_LAYOUT_LIMIT,
  REVIEWER_SYSTEM_PROMPT,
  draftPrompt,
  rejectionPrompt,
  reviewPrompt,
  revisionPrompt,
  validationFixPrompt,
} from './prompts.js';
import { sampleLld } from './testing/sample-lld.js';
import type { Verdict } from './verdict.js';

const item = { id: '42', title: 'Timers on the injected clock', body: 'Timers must not read `Date.now()`.' };
const layout = ['package.json', 'src/clock/clock.ts'];

describe('draftPrompt', () => {
  const prompt = draftPrompt({
    item,
    template: '# <id> - <Kind>: <Title>\n## 1. Context & Goal\n```mermaid\nA-->B\n```',
    repoLayout: layout,
  });

  it('carries the item, the layout and the template', () => {
    expect(prompt).toContain('issue 42: Timers on the injected clock');
    expect(prompt).toContain('Timers must not read `Date.now()`.');
    expect(prompt).toContain('src/clock/clock.ts');
    expect(prompt).toContain('## 1. Context & Goal');
    expect(prompt).toContain('# 42 - <Kind>: Timers on the injected clock');
  });

  it('states the mechanical rules the validator checks', () => {
    expect(prompt).toMatch(/1 to 12/);
    expect(prompt).toMatch(/exactly Add, Modify or Delete/);
    expect(prompt).toMatch(/Modify and Delete only paths that appear in the repository layout/);
    expect(prompt).toMatch(/A glob \(`src\/nodes\/\*\.py`\) may stand for a set of existing files/);
    expect(prompt).toContain('| ID | Scenario | Type | Input | Expected Output | Pass Criteria |');
    expect(prompt).toMatch(/no code fence around it/);
  });

  it('fences the template with more backticks than it contains, so its code blocks stay intact', () => {
    expect(prompt).toContain('````\n# <id> - <Kind>: <Title>');
  });

  it('elides a huge layout', () => {
    const huge = Array.from({ length: REPO_LAYOUT_LIMIT + 5 }, (_, index) => `file-${index}.ts`);
    const big = draftPrompt({ item, template: 't', repoLayout: huge });
    expect(big).toContain(`file-${REPO_LAYOUT_LIMIT - 1}.ts`);
    expect(big).not.toContain(`file-${REPO_LAYOUT_LIMIT}.ts`);
    expect(big).toContain('… and 5 more paths not shown');
  });
});

describe('validationFixPrompt', () => {
  it('lists every problem with its section and explains both reply forms', () => {
    const prompt = validationFixPrompt([
      { code: 'missing-section', section: '7', message: 'Section 7 is missing.' },
      { code: 'title-id', message: 'The title does not name item 42.' },
    ]);
    expect(prompt).toContain('found 2 problems');
    expect(prompt).toContain('- [section 7] Section 7 is missing.');
    expect(prompt).toContain('- The title does not name item 42.');
    expect(prompt).toContain('<<<<<<< SEARCH');
    expect(prompt).toMatch(/whole revised document/);
  });

  it('names the item on its first line, so a model without the history knows whose design it fixes', () => {
    const prompt = validationFixPrompt([{ code: 'title-id', message: 'x' }], item);
    expect(prompt.split('\n')[0]).toBe('The Low-Level Design for issue 42: Timers on the injected clock');
  });
});

describe('reviewPrompt', () => {
  const document = sampleLld();
  const prompt = reviewPrompt({
    item,
    document,
    repoLayout: layout,
    round: 3,
    validationNotes: ['note A', { code: 'x', message: 'note B' }],
  });

  it('carries the round, issue, layout, document and notes', () => {
    expect(prompt).toContain('Review round 3');
    expect(prompt).toContain('Timers must not read `Date.now()`.');
    expect(prompt).toContain('src/clock/clock.ts');
    expect(prompt).toContain(document.trim());
    expect(prompt).toContain('- note A\n- note B');
  });

  it('spells out the verdict JSON, the tiers and when each verdict applies', () => {
    for (const piece of [
      '"verdict"',
      '"rationale"',
      '"feedback_items"',
      '"tier"',
      '"category"',
      '"section"',
      '"issue"',
      '"recommendation"',
      '"open_questions"',
      '"resolved"',
      '"answer"',
    ]) {
      expect(prompt).toContain(piece);
    }
    expect(prompt).toMatch(/tier 1, blocking/);
    expect(prompt).toMatch(/tier 2, should fix/);
    expect(prompt).toMatch(/tier 3, suggestion/);
    expect(prompt).toMatch(/"APPROVED" only when there are no tier-1 items/);
    expect(prompt).toMatch(/"DISCUSS" only when a human must decide/);
  });

  it('says so when there are no notes', () => {
    expect(reviewPrompt({ item, document, repoLayout: layout, round: 1 })).toContain('All mechanical checks passed');
  });
});

describe('revisionPrompt', () => {
  const verdict: Verdict = {
    verdict: 'REVISE',
    rationale: 'One blocking issue.',
    feedback_items: [
      { tier: 3, category: 'Style', section: '', issue: 'Shorter', recommendation: '' },
      { tier: 1, category: 'Correctness', section: '2.1', issue: 'Wrong path', recommendation: 'Use src/y.ts' },
    ],
    open_questions: [{ question: 'Keep the flag?', resolved: true, answer: 'Yes' }],
  };
  const document = sampleLld();
  const prompt = revisionPrompt({ document, verdict });

  it('lists feedback blocking first, with answers to open questions and the review', () => {
    expect(prompt).toContain('1. [BLOCKING] (section 2.1) Correctness: Wrong path\n   Recommendation: Use src/y.ts');
    expect(prompt).toContain('2. [SUGGESTION] Style: Shorter');
    expect(prompt).toContain('- Keep the flag? → Yes');
    expect(prompt).toContain('One blocking issue.');
  });

  it('names the item on its first line when given', () => {
    expect(revisionPrompt({ item, document, verdict }).split('\n')[0]).toBe(
      'The Low-Level Design for issue 42: Timers on the injected clock',
    );
    expect(prompt.split('\n')[0]).toBe('The reviewer returned REVISE. Revise the document.');
  });

  it('explains both reply forms and includes the current document last', () => {
    expect(prompt).toContain('<<<<<<< SEARCH\nlines copied exactly from the current document\n=======');
    expect(prompt).toContain('>>>>>>> REPLACE');
    expect(prompt).toMatch(/The whole revised document, starting with its "# " title line/);
    // The sample holds ``` blocks, so the document is fenced with four backticks.
    expect(prompt.trimEnd().endsWith(`${document.trim()}\n\`\`\`\``)).toBe(true);
  });

  it('shows the edit-block form in a shape the parser reads', () => {
    const example = prompt.slice(prompt.indexOf('<<<<<<< SEARCH'), prompt.indexOf('>>>>>>> REPLACE') + '>>>>>>> REPLACE'.length);
    expect(parseEditBlocks(example)).toEqual({
      ok: true,
      blocks: [{ index: 1, search: 'lines copied exactly from the current document', replace: 'the lines that replace them' }],
    });
  });
});

describe('rejectionPrompt and system prompts', () => {
  it('quotes the reason', () => {
    const prompt = rejectionPrompt('Edit block 2 of 2 did not match.');
    expect(prompt).toContain('could not be used');
    expect(prompt).toContain('Edit block 2 of 2 did not match.');
  });

  it('give each role its output contract', () => {
    expect(DRAFTER_SYSTEM_PROMPT).toMatch(/Low-Level Design/);
    expect(DRAFTER_SYSTEM_PROMPT).toMatch(/never with commentary/);
    expect(REVIEWER_SYSTEM_PROMPT).toMatch(/exactly one JSON object/);
  });
});
