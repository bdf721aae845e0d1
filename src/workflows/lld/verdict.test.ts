import { describe, expect, it } from 'vitest';
import { blockingItems, parseVerdict, verdictJsonSchema, verdictSchema } from './verdict.js';
import type { Verdict } from './verdict.js';

const VALID = {
  verdict: 'REVISE',
  rationale: '## Summary\nThe table lists a path that does not exist.',
  feedback_items: [{ tier: 1, category: 'Correctness', section: '2.1', issue: 'Wrong path', recommendation: 'Use src/a.ts' }],
  open_questions: [{ question: 'Keep the flag?', resolved: true, answer: 'Yes' }],
};

function reasonOf(text: string): string {
  const result = parseVerdict(text);
  if (result.ok) throw new Error('expected a rejection');
  return result.reason;
}

describe('parseVerdict accepts', () => {
  it('the JSON alone', () => {
    expect(parseVerdict(JSON.stringify(VALID))).toEqual({ ok: true, verdict: VALID });
  });

  it('the JSON in one ```json fence with prose around it', () => {
    const text = `Here is my review.\n\n\`\`\`json\n${JSON.stringify(VALID, null, 2)}\n\`\`\`\n\nThanks.`;
    expect(parseVerdict(text)).toEqual({ ok: true, verdict: VALID });
  });

  it('one JSON object in prose, with braces inside its strings', () => {
    const verdict = { ...VALID, rationale: 'Use `{}` and "}" carefully' };
    const text = `My verdict follows: ${JSON.stringify(verdict)} -- end.`;
    expect(parseVerdict(text)).toEqual({ ok: true, verdict });
  });

  it('missing arrays and optional texts as empty', () => {
    const result = parseVerdict('{"verdict":"APPROVED","rationale":"Fine.","feedback_items":[{"tier":3,"issue":"nit","section":null}]}');
    expect(result).toEqual({
      ok: true,
      verdict: {
        verdict: 'APPROVED',
        rationale: 'Fine.',
        feedback_items: [{ tier: 3, category: '', section: '', issue: 'nit', recommendation: '' }],
        open_questions: [],
      },
    });
  });

  it('the summary/blocking_issues/suggestions shape, mapped item for item', () => {
    const text = JSON.stringify({
      verdict: 'REVISE',
      summary: 'Count is wrong.',
      blocking_issues: [{ section: '10.2', issue: 'Says 14 files, there are 7', severity: 'HIGH' }, 'Plain blocking text'],
      suggestions: ['Add a happy-path scenario'],
    });
    expect(parseVerdict(text)).toEqual({
      ok: true,
      verdict: {
        verdict: 'REVISE',
        rationale: 'Count is wrong.',
        feedback_items: [
          { tier: 1, category: 'HIGH', section: '10.2', issue: 'Says 14 files, there are 7', recommendation: '' },
          { tier: 1, category: 'blocking', section: '', issue: 'Plain blocking text', recommendation: '' },
          { tier: 3, category: 'suggestion', section: '', issue: 'Add a happy-path scenario', recommendation: '' },
        ],
        open_questions: [],
      },
    });
  });
});

describe('parseVerdict rejects, with a reason for the model', () => {
  it('prose without JSON', () => {
    expect(reasonOf('The design is approved.')).toBe(
      'The response holds no JSON object. Reply with exactly one JSON object in the verdict format and nothing else.',
    );
  });

  it('two JSON objects in prose', () => {
    expect(reasonOf(`First ${JSON.stringify(VALID)} and then ${JSON.stringify(VALID)}`)).toMatch(
      /^The response holds 2 separate JSON objects/,
    );
  });

  it('two JSON fences', () => {
    const fence = `\`\`\`json\n${JSON.stringify(VALID)}\n\`\`\``;
    expect(reasonOf(`${fence}\n${fence}`)).toMatch(/^The response holds 2 JSON code blocks/);
  });

  it('invalid JSON in the fence', () => {
    expect(reasonOf('```json\n{"verdict": "REVISE",}\n```')).toMatch(/^The JSON code block is not valid JSON \(/);
  });

  it('a verdict word outside the enum, including another case', () => {
    expect(reasonOf(JSON.stringify({ ...VALID, verdict: 'approved' }))).toBe(
      'The verdict JSON does not match the required format: verdict must be exactly one of "APPROVED", "REVISE", "DISCUSS" (got "approved"). Reply with exactly one JSON object in the verdict format and nothing else.',
    );
  });

  it('tier 4 and a tier given as a string', () => {
    const items = [
      { ...VALID.feedback_items[0], tier: 4 },
      { ...VALID.feedback_items[0], tier: '1' },
    ];
    const reason = reasonOf(JSON.stringify({ ...VALID, feedback_items: items }));
    expect(reason).toContain('feedback_items[0].tier must be exactly one of 1, 2, 3 (got 4)');
    expect(reason).toContain('feedback_items[1].tier must be exactly one of 1, 2, 3 (got "1")');
  });

  it('a missing or empty rationale', () => {
    const { rationale: _rationale, ...withoutRationale } = VALID;
    expect(reasonOf(JSON.stringify(withoutRationale))).toContain('rationale is missing');
    expect(reasonOf(JSON.stringify({ ...VALID, rationale: '  ' }))).toContain('rationale must not be empty');
  });

  it('wrong types inside arrays', () => {
    const reason = reasonOf(JSON.stringify({ ...VALID, open_questions: [{ question: 'q', resolved: 'yes' }], feedback_items: 'none' }));
    expect(reason).toContain('feedback_items must be an array (got "none")');
    expect(reason).toContain('open_questions[0].resolved must be a boolean (got "yes")');
  });

  it('items that are not objects, and JSON that is not an object', () => {
    expect(reasonOf('{"verdict":"REVISE","rationale":"x","feedback_items":[1]}')).toContain('feedback_items[0] must be an object (got 1)');
    expect(reasonOf('"APPROVED"')).toMatch(/no JSON object/);
  });

  it('the summary shape when it is itself malformed, reporting against the main format', () => {
    expect(reasonOf(JSON.stringify({ verdict: 'OK', summary: 'x' }))).toContain('verdict must be exactly one of');
  });
});

describe('verdictJsonSchema', () => {
  it('lists the same verdict words, tiers and fields as the zod schema', () => {
    const properties = verdictJsonSchema.properties as Record<
      string,
      { enum?: unknown[]; items?: { properties: Record<string, { enum?: unknown[] }>; required: string[] } }
    >;
    expect(properties.verdict?.enum).toEqual(verdictSchema.shape.verdict.options);
    expect(properties.feedback_items?.items?.properties.tier?.enum).toEqual([1, 2, 3]);
    expect(Object.keys(verdictSchema.shape).sort()).toEqual([...(verdictJsonSchema.required as string[])].sort());
    expect(properties.feedback_items?.items?.required.sort()).toEqual(
      Object.keys(verdictSchema.shape.feedback_items.unwrap().element.shape).sort(),
    );
  });

  it('describes objects the parser accepts', () => {
    expect(parseVerdict(JSON.stringify(VALID)).ok).toBe(true);
    expect(verdictJsonSchema.additionalProperties).toBe(false);
  });
});

describe('blockingItems', () => {
  const base: Verdict = { verdict: 'REVISE', rationale: 'r', feedback_items: [], open_questions: [] };

  it('keeps tier-1 items only, normalised, sorted and distinct', () => {
    const verdict: Verdict = {
      ...base,
      feedback_items: [
        { tier: 2, category: 'c', section: '3', issue: 'minor', recommendation: '' },
        { tier: 1, category: 'c', section: 'Section 2.1', issue: 'The  path **`src/x.ts`** is wrong.', recommendation: 'a' },
        { tier: 1, category: 'c', section: '10', issue: 'No  scenario for REQ-2', recommendation: '' },
        { tier: 1, category: 'other', section: '10', issue: 'no scenario for req-2', recommendation: 'b' },
      ],
    };
    expect(blockingItems(verdict)).toEqual(['10 | no scenario for req-2', '2.1 | the path src/x.ts is wrong']);
  });

  it('is equal for two verdicts that differ only in wording noise', () => {
    const first: Verdict = { ...base, feedback_items: [{ tier: 1, category: '', section: '2.1', issue: 'Bad path.', recommendation: '' }] };
    const second: Verdict = {
      ...base,
      feedback_items: [{ tier: 1, category: 'x', section: 'section 2.1', issue: 'bad  path', recommendation: 'y' }],
    };
    expect(blockingItems(first)).toEqual(blockingItems(second));
    expect(blockingItems(base)).toEqual([]);
  });

  it('uses the category when an item has no issue text', () => {
    const verdict: Verdict = {
      ...base,
      feedback_items: [{ tier: 1, category: 'Missing tests', section: '', issue: '', recommendation: '' }],
    };
    expect(blockingItems(verdict)).toEqual([' | missing tests']);
  });
});
