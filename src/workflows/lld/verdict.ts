import { z } from 'zod';
import { findJsonObject } from './json-object.js';

export const VERDICTS = ['APPROVED', 'REVISE', 'DISCUSS'] as const;
export type VerdictKind = (typeof VERDICTS)[number];

// Optional texts may come as null from structured output; null and absent both mean "none given".
const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? '');

const feedbackItemSchema = z.object({
  tier: z.literal([1, 2, 3]),
  category: optionalText,
  section: optionalText,
  issue: z.string(),
  recommendation: optionalText,
});

const openQuestionSchema = z.object({
  question: z.string(),
  resolved: z.boolean().default(false),
  answer: optionalText,
});

/** The reviewer's verdict (DESIGN.md, "Model protocols"). */
export const verdictSchema = z.object({
  verdict: z.enum(VERDICTS),
  rationale: z.string().refine((value) => value.trim() !== '', { message: 'must not be empty' }),
  feedback_items: z.array(feedbackItemSchema).default([]),
  open_questions: z.array(openQuestionSchema).default([]),
});

export type Verdict = z.infer<typeof verdictSchema>;
export type FeedbackItem = Verdict['feedback_items'][number];
export type OpenQuestion = Verdict['open_questions'][number];

/**
 * The other shape reviewers trained on a `response_schema` prompt send:
 * `{ verdict, summary, blocking_issues, suggestions }` (a fifth of the recorded corpus). It maps
 * one-to-one, without interpretation: summary → rationale, each blocking issue → a tier-1 item (its
 * severity kept as the category), each suggestion → a tier-3 item. Only read when `rationale` is absent.
 */
const summaryShapeSchema = z.object({
  verdict: z.enum(VERDICTS),
  summary: z.string().refine((value) => value.trim() !== '', { message: 'must not be empty' }),
  blocking_issues: z
    .array(
      z.union([z.string(), z.object({ section: optionalText, issue: z.string(), severity: optionalText, recommendation: optionalText })]),
    )
    .default([]),
  suggestions: z.array(z.string()).default([]),
});

export type ParseVerdictResult = { ok: true; verdict: Verdict } | { ok: false; reason: string };

/**
 * A verdict from a reviewer's response: the JSON alone, in one ```json fence, or the one JSON object
 * in surrounding prose. Anything else is refused with a reason to send back; nothing is guessed.
 */
export function parseVerdict(text: string): ParseVerdictResult {
  const found = findJsonObject(text);
  if (!found.ok) return { ok: false, reason: `${found.reason} ${REPLY_HINT}` };
  const value = found.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `The verdict must be a JSON object, not ${describe(value)}. ${REPLY_HINT}` };
  }
  if (!('rationale' in value) && 'summary' in value) {
    const legacy = summaryShapeSchema.safeParse(value);
    if (legacy.success) return { ok: true, verdict: fromSummaryShape(legacy.data) };
  }
  const parsed = verdictSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeIssue(issue, value)).join('; ');
    return { ok: false, reason: `The verdict JSON does not match the required format: ${problems}. ${REPLY_HINT}` };
  }
  return { ok: true, verdict: parsed.data };
}

const REPLY_HINT = 'Reply with exactly one JSON object in the verdict format and nothing else.';

function fromSummaryShape(data: z.infer<typeof summaryShapeSchema>): Verdict {
  const blocking: FeedbackItem[] = data.blocking_issues.map((entry) =>
    typeof entry === 'string'
      ? { tier: 1, category: 'blocking', section: '', issue: entry, recommendation: '' }
      : {
          tier: 1,
          category: entry.severity || 'blocking',
          section: entry.section,
          issue: entry.issue,
          recommendation: entry.recommendation,
        },
  );
  const suggestions: FeedbackItem[] = data.suggestions.map((entry) => ({
    tier: 3,
    category: 'suggestion',
    section: '',
    issue: entry,
    recommendation: '',
  }));
  return { verdict: data.verdict, rationale: data.summary, feedback_items: [...blocking, ...suggestions], open_questions: [] };
}

function describeIssue(issue: z.core.$ZodIssue, input: object): string {
  const path = formatPath(issue.path);
  const received = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_value':
      return `${path} must be exactly one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')} (got ${describe(received)})`;
    case 'invalid_type':
      return received === undefined ? `${path} is missing` : `${path} must be ${article(issue.expected)} (got ${describe(received)})`;
    default:
      return `${path} ${issue.message}`;
  }
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return 'the verdict';
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`),
    '',
  );
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const shown = JSON.stringify(value);
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/**
 * The verdict format as a plain JSON Schema, for providers' structured output. Every property is
 * required and no others are allowed, which strict structured-output modes insist on.
 */
export const verdictJsonSchema: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['verdict', 'rationale', 'feedback_items', 'open_questions'],
  properties: {
    verdict: {
      type: 'string',
      enum: [...VERDICTS],
      description: 'APPROVED only with no tier-1 items; DISCUSS only when a human must decide; otherwise REVISE.',
    },
    rationale: { type: 'string', description: 'The review in markdown.' },
    feedback_items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['tier', 'category', 'section', 'issue', 'recommendation'],
        properties: {
          tier: { type: 'integer', enum: [1, 2, 3], description: '1 blocking, 2 should fix, 3 suggestion.' },
          category: { type: 'string' },
          section: { type: 'string', description: 'The document section, e.g. "2.1".' },
          issue: { type: 'string' },
          recommendation: { type: 'string' },
        },
      },
    },
    open_questions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['question', 'resolved', 'answer'],
        properties: {
          question: { type: 'string' },
          resolved: { type: 'boolean' },
          answer: { type: 'string' },
        },
      },
    },
  },
};

/**
 * The tier-1 items as normalised, sorted, distinct strings: two REVISE verdicts in a row with equal
 * lists mean the drafter is not converging. Case, markdown emphasis, spacing and a `Section` prefix
 * are ignored so a reworded header alone does not make an item "new".
 */
export function blockingItems(verdict: Verdict): string[] {
  const normalise = (text: string): string =>
    text
      .toLowerCase()
      .replace(/[*_`~]/g, '')
      .replace(/^\s*(?:section|§)\s*/, '')
      .replace(/\s+/g, ' ')
      .replace(/[\s.:;,!]+$/, '')
      .trim();
  const items = verdict.feedback_items
    .filter((item) => item.tier === 1)
    .map((item) => `${normalise(item.section)} | ${normalise(item.issue || item.category)}`);
  return [...new Set(items)].sort();
}
