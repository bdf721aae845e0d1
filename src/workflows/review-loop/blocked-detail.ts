import { z } from 'zod';
import type { BlockedDetail } from '../../core/items.js';
import type { LoopState } from './state.js';

/** The parts of a stored verdict a human reads when the reviewer asks for a decision. */
const verdictDetailSchema = z.object({
  rationale: z.string().optional(),
  open_questions: z.array(z.object({ question: z.string(), resolved: z.boolean().optional() })).optional(),
});

const LONGEST_QUESTION = 400;

/**
 * What a human needs to act on a blocked item: the questions of a DISCUSS verdict (its unresolved open
 * questions, else the first line of its rationale), and what blocks it — the mechanical problems when
 * validation stopped it, otherwise the last verdict's blocking items in the reviewer's words.
 */
export function loopBlockedDetail(state: LoopState): BlockedDetail {
  const last = state.verdicts.at(-1);
  const questions = last?.verdict === 'DISCUSS' ? humanQuestions(last.detail) : [];
  const blockingItems =
    state.validationErrors.length > 0 ? [...state.validationErrors] : last && last.verdict !== 'APPROVED' ? [...last.blockingSummary] : [];
  return { questions, blockingItems };
}

function humanQuestions(detail: unknown): string[] {
  const parsed = verdictDetailSchema.safeParse(detail);
  if (!parsed.success) return [];
  const open = (parsed.data.open_questions ?? []).filter((entry) => entry.resolved !== true).map((entry) => oneLine(entry.question));
  const asked = open.filter((question) => question !== '');
  if (asked.length > 0) return asked;
  const summary = firstProseLine(parsed.data.rationale ?? '');
  return summary === undefined ? [] : [summary];
}

/** The first line of the rationale that is prose, not a heading or a rule. */
function firstProseLine(markdown: string): string | undefined {
  const line = markdown
    .split(/\r?\n/)
    .map((candidate) => candidate.trim())
    .find((candidate) => candidate !== '' && !/^(#|---|\*\*\*|```)/.test(candidate));
  return line === undefined ? undefined : oneLine(line);
}

function oneLine(text: string): string {
  const flat = text.trim().replace(/\s*\n\s*/g, ' ');
  return flat.length > LONGEST_QUESTION ? `${flat.slice(0, LONGEST_QUESTION - 1)}…` : flat;
}
