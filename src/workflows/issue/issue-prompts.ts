import { fenced } from '../markdown-fence.js';
import type { Verdict } from '../lld/verdict.js';

/** Prompt texts for turning an idea brief into a GitHub issue. Pure strings, recorded in the lineage. */
export const ISSUE_DRAFTER_SYSTEM_PROMPT = [
  'You are a senior engineer who turns rough idea briefs into GitHub issues a team can design and build from.',
  'You state the problem with evidence, the behaviour wanted, and acceptance criteria that can each be tested.',
  'You keep the issue template structure exactly and reply with the issue document itself, nothing around it.',
].join('\n');

export const ISSUE_REVIEWER_SYSTEM_PROMPT = [
  'You are a senior product engineer reviewing GitHub issues before they enter the backlog.',
  'You check the problem is real and clear, the scope is bounded, and every acceptance criterion is testable.',
  'You reply with exactly one JSON object in the verdict format you are given, and nothing else.',
].join('\n');

export function issueDraftPrompt(input: {
  brief: { id: string; title: string; body: string };
  template: string;
  repoLayout: readonly string[];
}): string {
  return [
    `Write a GitHub issue from the idea brief "${input.brief.title}" (brief ${input.brief.id}).`,
    '',
    '## The brief',
    '',
    fenced(input.brief.body.trim() || '(empty brief)'),
    '',
    '## Repository files (for naming the parts the issue touches)',
    '',
    fenced(input.repoLayout.slice(0, 400).join('\n') || '(empty repository)'),
    '',
    '## Rules',
    '',
    '- Start with a "# " title line: a short imperative sentence.',
    '- Keep every "## " heading of the template, in order; write "None" under one that does not apply.',
    '- Acceptance Criteria: at least one "- [ ]" item, each testable on its own.',
    '- Reply with the markdown document only.',
    '',
    '## Template',
    '',
    fenced(input.template.trim()),
  ].join('\n');
}

export function issueFixPrompt(document: string, errors: readonly string[]): string {
  return [
    `Mechanical checks found problems in the issue:`,
    '',
    ...errors.map((error) => `- ${error}`),
    '',
    'Fix every problem; change nothing else.',
    '',
    REVISION_FORMS,
    '',
    '## The current issue',
    '',
    fenced(document),
  ].join('\n');
}

export function issueRevisionPrompt(document: string, verdict: Verdict): string {
  const tierName = { 1: 'BLOCKING', 2: 'SHOULD FIX', 3: 'SUGGESTION' } as const;
  const items = [...verdict.feedback_items]
    .sort((left, right) => left.tier - right.tier)
    .map(
      (item, index) =>
        `${index + 1}. [${tierName[item.tier]}] ${item.issue.trim()}${item.recommendation.trim() ? ` — ${item.recommendation.trim()}` : ''}`,
    );
  return [
    `The reviewer returned ${verdict.verdict}. Revise the issue.`,
    '',
    '## Feedback',
    '',
    items.length > 0 ? items.join('\n') : '(no itemised feedback; see the review)',
    '',
    '## The review',
    '',
    fenced(verdict.rationale.trim()),
    '',
    REVISION_FORMS,
    '',
    '## The current issue',
    '',
    fenced(document),
  ].join('\n');
}

export function issueReviewPrompt(input: {
  brief: { id: string; title: string; body: string };
  document: string;
  round: number;
  verdictFormat: string;
}): string {
  return [
    `Review round ${input.round}: the issue drafted from brief ${input.brief.id} ("${input.brief.title}").`,
    '',
    '## The brief',
    '',
    fenced(input.brief.body.trim()),
    '',
    '## The issue',
    '',
    fenced(input.document),
    '',
    'Tiers: 1 blocking (must change before filing), 2 should fix, 3 suggestion.',
    '"APPROVED" only with no tier-1 items; "REVISE" when the drafter can fix them; "DISCUSS" only when a human must decide.',
    '',
    input.verdictFormat,
  ].join('\n');
}

const REVISION_FORMS = [
  'Reply either with edit blocks (each: "<<<<<<< SEARCH", exact old lines, "=======", new lines, ">>>>>>> REPLACE";',
  'each SEARCH must match the current issue exactly once) or with the whole revised issue starting with its "# " title.',
].join('\n');
