import type { FeedbackItem, Verdict } from './verdict.js';

export interface VerdictMeta {
  round: number;
  /** `provider:model` of the reviewer. */
  reviewer: string;
  /** When the verdict was given; a Date is written as ISO 8601. */
  date: string | Date;
}

const TIER_NAMES: Record<FeedbackItem['tier'], string> = {
  1: 'Tier 1: blocking',
  2: 'Tier 2: should fix',
  3: 'Tier 3: suggestions',
};

/** The verdict as the lineage's `NNN-verdict.md`: a header, the items by tier, questions, rationale. */
export function renderVerdictMarkdown(verdict: Verdict, meta: VerdictMeta): string {
  const date = typeof meta.date === 'string' ? meta.date : meta.date.toISOString();
  const count = (tier: FeedbackItem['tier']): number => verdict.feedback_items.filter((item) => item.tier === tier).length;
  const lines: string[] = [
    `# Review round ${meta.round}: ${verdict.verdict}`,
    '',
    `- Verdict: **${verdict.verdict}**`,
    `- Reviewer: ${meta.reviewer}`,
    `- Date: ${date}`,
    `- Feedback: ${count(1)} blocking, ${count(2)} should fix, ${count(3)} suggestions`,
    '',
  ];

  if (verdict.feedback_items.length > 0) {
    lines.push('## Feedback', '');
    for (const tier of [1, 2, 3] as const) {
      const items = verdict.feedback_items.filter((item) => item.tier === tier);
      if (items.length === 0) continue;
      lines.push(`### ${TIER_NAMES[tier]}`, '');
      for (const [index, item] of items.entries()) lines.push(...renderItem(index + 1, item));
      lines.push('');
    }
  }

  if (verdict.open_questions.length > 0) {
    lines.push('## Open questions', '');
    for (const question of verdict.open_questions) {
      const answer = question.answer.trim() === '' ? '' : ` — ${oneLine(question.answer)}`;
      lines.push(`- [${question.resolved ? 'x' : ' '}] ${oneLine(question.question)}${answer}`);
    }
    lines.push('');
  }

  lines.push('## Rationale', '', verdict.rationale.trim(), '');
  return lines.join('\n');
}

function renderItem(number: number, item: FeedbackItem): string[] {
  const labels = [item.category.trim(), item.section.trim() === '' ? '' : `section ${item.section.trim()}`].filter(Boolean);
  const label = labels.length === 0 ? '' : `**${labels.join(', ')}:** `;
  const lines = [`${number}. ${label}${oneLine(item.issue) || '(no description)'}`];
  if (item.recommendation.trim() !== '') lines.push(`   - Recommendation: ${oneLine(item.recommendation)}`);
  return lines;
}

/** Items are list entries; a newline inside one would end the entry early. */
function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}
