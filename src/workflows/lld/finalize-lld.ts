import type { LoopState } from '../review-loop/state.js';
import { setStatusLine } from './lld-status.js';

export interface FinalRecord {
  id: string;
  title: string;
  status: 'approved' | 'blocked';
  reason: string | null;
  rounds: number;
  verdicts: Array<{ round: number; date: string; verdict: string; reviewer: string; blocking: string[] }>;
  modelCalls: number;
  costUsd: number;
  durationMs: number;
  drafter: string;
  reviewer: string | null;
  output: string;
}

/**
 * The document as it lands in the repository: its status line set to Approved or Blocked with the
 * reviewer model that actually answered and the date, and a review log with one row per verdict.
 */
export function finalDocument(state: LoopState, date: string): string {
  const document = state.document ?? `# ${state.item?.id ?? ''} - ${state.item?.title ?? ''}\n`;
  const last = state.verdicts.at(-1);
  const approved = state.outcome?.status === 'approved';
  const reviewedBy = last ? ` (reviewed by ${last.reviewer}, ${last.date})` : '';
  const reason = state.outcome?.status === 'blocked' ? ` — ${state.outcome.reason}` : '';
  const statusLine = `* **Status:** ${approved ? 'Approved' : 'Blocked'}${reviewedBy}${approved ? '' : reason} · finalized ${date}`;
  return `${stripReviewLog(setStatusLine(document, statusLine)).trimEnd()}\n\n${reviewLog(state)}`;
}

export function reviewLog(state: LoopState): string {
  const rows = state.verdicts.map((record) => {
    const items = record.blockingSummary;
    const blocking =
      items.length === 0 ? '—' : items.slice(0, 3).map(escapeCell).join('; ') + (items.length > 3 ? ` (+${items.length - 3})` : '');
    return `| ${record.round} | ${record.date} | ${record.verdict} | ${escapeCell(record.reviewer)} | ${blocking} |`;
  });
  return [
    '## Appendix: Review Log',
    '',
    '| Round | Date | Verdict | Reviewer | Key blocking items |',
    '|-------|------|---------|----------|--------------------|',
    ...rows,
    '',
  ].join('\n');
}

export function finalRecord(state: LoopState, input: { output: string; drafter: string; durationMs: number }): FinalRecord {
  return {
    id: state.item?.id ?? '',
    title: state.item?.title ?? '',
    status: state.outcome?.status === 'approved' ? 'approved' : 'blocked',
    reason: state.outcome?.status === 'blocked' ? state.outcome.reason : null,
    rounds: state.verdicts.length,
    verdicts: state.verdicts.map(({ round, date, verdict, reviewer, blockingSummary }) => ({
      round,
      date,
      verdict,
      reviewer,
      blocking: blockingSummary,
    })),
    modelCalls: state.calls,
    costUsd: Number(state.costUsd.toFixed(6)),
    durationMs: input.durationMs,
    drafter: input.drafter,
    reviewer: state.verdicts.at(-1)?.reviewer ?? null,
    output: input.output,
  };
}

/** A review log the drafter copied from the template (or an earlier run) is replaced, not duplicated. */
function stripReviewLog(document: string): string {
  const match = /^#{2,3}\s+Appendix:\s*Review Log\b/im.exec(document);
  return match ? document.slice(0, match.index) : document;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
