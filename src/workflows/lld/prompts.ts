import { plural } from '../../core/format.js';
import { fenced } from '../markdown-fence.js';
import type { ValidationIssue } from './validate-draft.js';
import type { Verdict } from './verdict.js';

/**
 * Prompt texts for the LLD workflow. Pure: every builder returns a string from its arguments, so the
 * exact words a model saw can be recorded in the lineage and replayed.
 */
export interface PromptItem {
  id: string;
  title: string;
  /** The issue's markdown body. */
  body: string;
}

/** Paths listed before the rest are elided, so a huge repository cannot fill the context window. */
export const REPO_LAYOUT_LIMIT = 1500;

export const DRAFTER_SYSTEM_PROMPT = [
  'You are a senior software engineer who writes Low-Level Design (LLD) documents that another engineer',
  'can implement without guessing. You design against the real repository: you only name files that exist',
  'in the repository layout you are given, or that the design adds. You are precise about paths, types and',
  'error handling, you write tests first, and you keep the document in the template structure exactly.',
  'You reply with the document itself (or with edit blocks when revising), never with commentary around it.',
].join('\n');

export const REVIEWER_SYSTEM_PROMPT = [
  'You are a senior software architect reviewing Low-Level Design (LLD) documents before implementation.',
  'You check that the design solves the issue, is consistent with the repository, is safe (no writes outside',
  'the repository, no secrets in output, no destructive operations without a guard), is testable, and that',
  'its test scenarios cover its requirements. You are strict about real defects and do not block on style.',
  'You reply with exactly one JSON object in the verdict format you are given, and nothing else.',
].join('\n');

export function draftPrompt(input: { item: PromptItem; template: string; repoLayout: readonly string[] }): string {
  const { item } = input;
  return [
    `Write the Low-Level Design for issue ${item.id}: ${item.title}`,
    '',
    '## The issue',
    '',
    fenced(item.body.trim() || '(the issue has no description)'),
    '',
    '## Repository layout',
    '',
    layoutBlock(input.repoLayout),
    '',
    '## Rules',
    '',
    `- Start with the title line "# ${item.id} - <Kind>: ${item.title}" (Kind: Feature, Fix, Refactor, Chore, Test or Docs).`,
    '- Keep every numbered section of the template, 1 to 12, as "## N. Title" headings in that order. Fill each one;',
    '  write "None" with a reason where a section does not apply. Replace every <placeholder> and instruction line.',
    '- Section 2.1 Files Changed: one row per file, the path relative to the repository root in backticks, Change',
    '  Type exactly Add, Modify or Delete. Modify and Delete only paths that appear in the repository layout. A',
    '  new file in a directory that does not exist yet needs its own row for that directory (e.g. `src/new/` | Add).',
    '  A glob (`src/nodes/*.py`) may stand for a set of existing files to Modify or Delete. No absolute paths, no "..".',
    '- Section 10.1 Test Scenarios: a table | ID | Scenario | Type | Input | Expected Output | Pass Criteria |.',
    '  Cover every requirement of section 3; every Pass Criteria cell states an observable check (never TBD,',
    '  N/A or a placeholder).',
    '- Reply with the markdown document only: no code fence around it, no text before or after it.',
    '',
    '## Template',
    '',
    fenced(input.template.trim()),
  ].join('\n');
}

/** Which item the document designs: the first line of every drafter prompt after the first draft. */
function designFor(item: PromptItem | undefined): string[] {
  return item === undefined ? [] : [`The Low-Level Design for issue ${item.id}: ${item.title}`, ''];
}

/** Sent after the mechanical checks failed on a draft or revision. */
export function validationFixPrompt(errors: readonly ValidationIssue[], item?: PromptItem): string {
  return [
    ...designFor(item),
    `Mechanical checks found ${errors.length} ${plural(errors.length, 'problem')} in the document:`,
    '',
    ...errors.map((error) => `- ${error.section === undefined ? '' : `[section ${error.section}] `}${error.message}`),
    '',
    'Fix every problem listed. Change nothing else.',
    '',
    REVISION_FORMS,
  ].join('\n');
}

export function reviewPrompt(input: {
  item: PromptItem;
  document: string;
  repoLayout: readonly string[];
  round: number;
  /** Mechanical-check findings the reviewer should know about (already shown to the drafter). */
  validationNotes?: ReadonlyArray<string | ValidationIssue>;
}): string {
  const notes = (input.validationNotes ?? []).map((note) => (typeof note === 'string' ? note : note.message));
  return [
    `Review round ${input.round}: the Low-Level Design for issue ${input.item.id}: ${input.item.title}`,
    '',
    '## The issue',
    '',
    fenced(input.item.body.trim() || '(the issue has no description)'),
    '',
    '## Repository layout',
    '',
    layoutBlock(input.repoLayout),
    '',
    '## Mechanical checks',
    '',
    notes.length === 0
      ? 'All mechanical checks passed (sections, title, files table, paths, test scenarios).'
      : notes.map((note) => `- ${note}`).join('\n'),
    '',
    '## The document',
    '',
    fenced(input.document.trim()),
    '',
    '## How to answer',
    '',
    'Give each finding a tier:',
    '- tier 1, blocking: the design is wrong, unsafe, incomplete or untestable; it must change before implementation.',
    '- tier 2, should fix: a real weakness that does not by itself stop implementation.',
    '- tier 3, suggestion: an optional improvement.',
    '',
    'Choose the verdict:',
    '- "APPROVED" only when there are no tier-1 items.',
    '- "REVISE" when there is at least one tier-1 item the drafter can fix.',
    '- "DISCUSS" only when a human must decide something the document cannot settle (a product choice, a missing',
    '  permission, conflicting requirements). Do not use DISCUSS for defects the drafter can fix.',
    '',
    'Answer open questions from section 1 in "open_questions" where you can, with resolved true and your answer.',
    '',
    VERDICT_FORMAT,
  ].join('\n');
}

export function revisionPrompt(input: { item?: PromptItem; document: string; verdict: Verdict }): string {
  const { verdict } = input;
  const items = [...verdict.feedback_items].sort((left, right) => left.tier - right.tier);
  const tierName = { 1: 'BLOCKING', 2: 'SHOULD FIX', 3: 'SUGGESTION' } as const;
  const answered = verdict.open_questions.filter((question) => question.resolved && question.answer.trim() !== '');
  return [
    ...designFor(input.item),
    `The reviewer returned ${verdict.verdict}. Revise the document.`,
    '',
    '## Feedback',
    '',
    items.length === 0
      ? '(no itemised feedback; see the review below)'
      : items
          .map((item, index) => {
            const where = item.section.trim() === '' ? '' : ` (section ${item.section.trim()})`;
            const category = item.category.trim() === '' ? '' : `${item.category.trim()}: `;
            const recommendation = item.recommendation.trim() === '' ? '' : `\n   Recommendation: ${item.recommendation.trim()}`;
            return `${index + 1}. [${tierName[item.tier]}]${where} ${category}${item.issue.trim()}${recommendation}`;
          })
          .join('\n'),
    '',
    ...(answered.length === 0
      ? []
      : ['## Answered open questions', '', ...answered.map((question) => `- ${question.question.trim()} → ${question.answer.trim()}`), '']),
    '## The review',
    '',
    fenced(verdict.rationale.trim()),
    '',
    '## What to do',
    '',
    'Fix every BLOCKING item and every SHOULD FIX item; apply a SUGGESTION where it improves the design.',
    'Record answered open questions in section 1 (mark them [x] with the answer). Keep every numbered section.',
    '',
    REVISION_FORMS,
    '',
    '## The current document',
    '',
    fenced(input.document.trim()),
  ].join('\n');
}

/** Sent when a response could not be used at all (unparseable, edits that do not apply). */
export function rejectionPrompt(reason: string): string {
  return [
    'Your previous response could not be used:',
    '',
    reason.trim(),
    '',
    'Reply again in the required format. Do not apologise or explain; send only the corrected response.',
  ].join('\n');
}

const REVISION_FORMS = [
  'Reply in ONE of two forms:',
  '',
  '1. Edit blocks (best for targeted changes). For each change:',
  '',
  '<<<<<<< SEARCH',
  'lines copied exactly from the current document',
  '=======',
  'the lines that replace them',
  '>>>>>>> REPLACE',
  '',
  '   Each SEARCH part must match the current document exactly once: copy it character for character and',
  '   include enough lines to be unique. Blocks apply in order. Send only the blocks.',
  '',
  '2. The whole revised document, starting with its "# " title line, with nothing before or after it.',
  '',
  'Either way, keep every numbered section (## 1. to ## 12.) and the title line.',
].join('\n');

export const VERDICT_FORMAT = [
  'Reply with exactly one JSON object, no text around it, in this format:',
  '',
  '{',
  '  "verdict": "APPROVED" | "REVISE" | "DISCUSS",',
  '  "rationale": "<your review in markdown: summary, strengths, concerns>",',
  '  "feedback_items": [',
  '    { "tier": 1 | 2 | 3, "category": "<e.g. Safety, Testing, Correctness>", "section": "<e.g. 2.1>",',
  '      "issue": "<what is wrong>", "recommendation": "<what to change>" }',
  '  ],',
  '  "open_questions": [ { "question": "<question>", "resolved": true | false, "answer": "<answer or empty>" } ]',
  '}',
  '',
  '"verdict" is exactly one of the three words in capitals; "tier" is the number 1, 2 or 3. Use empty arrays',
  'when there are no items or questions.',
].join('\n');

function layoutBlock(paths: readonly string[]): string {
  if (paths.length === 0) return '(the repository is empty)';
  const shown = paths.slice(0, REPO_LAYOUT_LIMIT);
  const more = paths.length - shown.length;
  return fenced([...shown, ...(more > 0 ? [`… and ${more} more paths not shown`] : [])].join('\n'));
}
