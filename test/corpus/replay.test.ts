import { describe, expect, it } from 'vitest';
import { caseLayout, globExample } from '../../scripts/corpus/case-layout.js';
import type { CorpusCase } from '../../scripts/corpus/cases.js';
import { replayReport } from '../../scripts/corpus/replay.js';
import { DRAFTER_MODEL, REVIEWER_MODEL, ReplayServer } from '../../scripts/corpus/replay-server.js';
import { APPROVED_VERDICT, validLld } from '../support/lld-responder.js';

const REVISE_VERDICT = JSON.stringify({
  verdict: 'REVISE',
  rationale: 'Needs a test.',
  feedback_items: [{ tier: 1, category: 'Testing', section: '10', issue: 'No failure test.', recommendation: 'Add one.' }],
  open_questions: [],
});

function recordedCase(name: string, drafts: string[], verdicts: string[]): CorpusCase {
  const itemId = name.replace(/-n\d+$/, '');
  return {
    name,
    itemId,
    issueTitle: `Feature ${itemId}`,
    issueBody: `Please add feature ${itemId}.`,
    drafts,
    verdicts,
    verdictLabels: verdicts.map((verdict) => (JSON.parse(verdict) as { verdict: string }).verdict),
    final: drafts.at(-1),
    hasFinal: true,
  };
}

describe('caseLayout', () => {
  it("takes Modify, Delete and context paths as files, and Add rows' folders as folders unless a table adds them", () => {
    const draft = validLld('5', 'Feature 5').replace(
      '| `src/feature-5.js` | Add | The feature |',
      [
        '| `src/feature-5.js` | Add | The feature |',
        '| `lib/new/` | Add | new folder |',
        '| `lib/new/a.js` | Add | in it |',
        '| `nodes/*.py` | Modify | all |',
        '| `assets/` | Exists (Directory) | context |',
      ].join('\n'),
    );
    const layout = caseLayout(recordedCase('5', [draft], [APPROVED_VERDICT]));
    expect([...layout.files].sort()).toEqual(['README.md', 'nodes/example.py']);
    expect([...layout.folders].sort()).toEqual(['assets', 'lib', 'nodes', 'src']);
  });

  it('gives a glob one file it matches', () => {
    expect(globExample('agentos/nodes/*.py')).toBe('agentos/nodes/example.py');
    expect(globExample('tests/**/test_*.py')).toBe('tests/test_example.py');
  });
});

describe('ReplayServer', () => {
  it('answers each role of each item with its next recording, then repeats the last one', async () => {
    const server = await new ReplayServer([recordedCase('9', ['draft one', 'draft two'], [REVISE_VERDICT])]).start();
    try {
      const ask = async (model: string, itemLine: string): Promise<{ status: number; text: string }> => {
        const response = await fetch(`${server.baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
          body: JSON.stringify({
            model,
            messages: [
              { role: 'system', content: 's' },
              { role: 'user', content: `${itemLine}\n\nmore` },
            ],
          }),
        });
        const body = (await response.json()) as { choices?: Array<{ message: { content: string } }> };
        return { status: response.status, text: body.choices?.[0]?.message.content ?? '' };
      };
      expect(await ask(DRAFTER_MODEL, 'Write the Low-Level Design for issue 9: Feature 9')).toEqual({ status: 200, text: 'draft one' });
      expect(await ask(REVIEWER_MODEL, 'Review round 1: the Low-Level Design for issue 9: Feature 9')).toEqual({
        status: 200,
        text: REVISE_VERDICT,
      });
      expect(await ask(DRAFTER_MODEL, 'The Low-Level Design for issue 9: Feature 9')).toEqual({ status: 200, text: 'draft two' });
      expect(await ask(DRAFTER_MODEL, 'The Low-Level Design for issue 9: Feature 9')).toEqual({ status: 200, text: 'draft two' });
      expect((await ask(DRAFTER_MODEL, 'The Low-Level Design for issue 10: Other')).status).toBe(400);
      expect(server.served('9')).toEqual({
        answers: ['draft-1', 'verdict-1', 'draft-2', 'draft-2 again'],
        draftsServed: 2,
        verdictsServed: 1,
        beyondRecording: 1,
      });
    } finally {
      await server.close();
    }
  });
});

describe('replayReport', () => {
  it('runs the real requirements command over recorded cases and compares each with its recording', async () => {
    const clean = validLld('21', 'Feature 21');
    const conventional = clean.replace('# 21 - Feature', '# 121 - Feature');
    const revised = clean.replace(
      '1. The feature works as the issue describes.',
      '1. The feature works as the issue describes.\n2. It fails with a clear error.',
    );
    const outside = validLld('22', 'Feature 22').replace('| `README.md` | Modify |', '| `~/.config/app` | Modify |');
    const cases = [
      recordedCase('21', [conventional, revised], [REVISE_VERDICT, APPROVED_VERDICT]),
      recordedCase('21-n1', [clean], [APPROVED_VERDICT]),
      recordedCase('22', [outside], [APPROVED_VERDICT]),
    ];

    const lines = await replayReport(cases, { parallel: 2, corpusLabel: 'fixtures', keep: false });

    const text = lines.join('\n');
    expect(text).toContain('ended approved / blocked / failed        2 / 1 / 0');
    expect(text).toContain('ended as the recorded run did            2/3 (66.7%)');
    // 21: draft, review, revise, review (4); 21-n1: 2; 22: draft, the same draft again → blocked (2).
    expect(text).toContain('model calls, lldflow vs recorded         8 vs 8 (+0.0%)');
    expect(text).toMatch(
      / {2}22: 1\/1 drafts, 0\/1 verdicts, 1 answer past the recording; ended blocked, recorded approved: the drafter could not fix/,
    );
    expect(text).not.toMatch(/^ {2}21: /m);
  });
});
