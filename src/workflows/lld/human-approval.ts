import { calendarDate } from '../../clock/clock.js';
import { setStatusLine, type LldFinalStatus } from './lld-status.js';

/** Who approved a design by hand, as git names them (`git config user.name` / `user.email`). */
export interface Approver {
  name: string;
  email: string;
}

/** A human's approval of a design: who, when, and why. */
export interface HumanApproval {
  approver: Approver;
  /** The clock's time, in milliseconds. */
  at: number;
  reason: string | undefined;
}

/** The lineage record of a human approval (`NNN-human-approval.json`). */
export interface HumanApprovalRecord {
  id: string;
  status: 'approved';
  approvedBy: 'human';
  approver: Approver;
  /** ISO time of the approval. */
  approvedAt: string;
  reason: string | null;
  /** The design's status before: `blocked`, `draft`, or null when it had no status line. */
  previousStatus: LldFinalStatus | null;
  design: string;
}

const REVIEW_LOG_HEADING = /^#{2,3}\s+Appendix:\s*Review Log\b.*$/im;
const REVIEW_LOG_HEADER = [
  '| Round | Date | Verdict | Reviewer | Key blocking items |',
  '|-------|------|---------|----------|--------------------|',
];

/**
 * The design as a human approved it: its status line says Approved, by whom and when (which is what
 * `implement` and `status` read), and its review log gains a row for the approval, after the
 * reviewers' rows. A document without a review log gets one.
 */
export function humanApprovedDocument(document: string, approval: HumanApproval): string {
  const date = calendarDate(approval.at);
  const who = approverName(approval.approver);
  const reason = approval.reason === undefined ? '' : ` — ${oneLine(approval.reason)}`;
  const approved = setStatusLine(document, `* **Status:** Approved (human approval by ${who}, ${date})${reason}`);
  return withReviewLogRow(approved, (round) =>
    [round, date, 'APPROVED (human)', escapeCell(who), approval.reason === undefined ? '—' : escapeCell(oneLine(approval.reason))].join(
      ' | ',
    ),
  );
}

export function humanApprovalRecord(
  input: { id: string; design: string; previousStatus: LldFinalStatus | undefined },
  approval: HumanApproval,
): HumanApprovalRecord {
  return {
    id: input.id,
    status: 'approved',
    approvedBy: 'human',
    approver: approval.approver,
    approvedAt: new Date(approval.at).toISOString(),
    reason: approval.reason === undefined ? null : oneLine(approval.reason),
    previousStatus: input.previousStatus ?? null,
    design: input.design,
  };
}

/** `Jane Doe <jane@example.com>`. */
export function approverName(approver: Approver): string {
  return `${approver.name} <${approver.email}>`;
}

/** Appends one row to the review log's table, numbered after the rows there; adds the log when there is none. */
function withReviewLogRow(document: string, row: (round: number) => string): string {
  const heading = REVIEW_LOG_HEADING.exec(document);
  if (!heading) {
    return `${document.trimEnd()}\n\n## Appendix: Review Log\n\n${[...REVIEW_LOG_HEADER, `| ${row(1)} |`].join('\n')}\n`;
  }
  const lines = document.split('\n');
  const headingLine = document.slice(0, heading.index).split('\n').length - 1;
  let lastTableLine = -1;
  let dataRows = 0;
  for (let index = headingLine + 1; index < lines.length; index++) {
    const line = lines[index]?.trim() ?? '';
    if (line.startsWith('|')) {
      lastTableLine = index;
      if (!/^\|\s*Round\b/i.test(line) && !/^\|[\s|:-]+\|$/.test(line)) dataRows += 1;
    } else if (lastTableLine >= 0 || /^#{1,3}\s/.test(line)) {
      break;
    }
  }
  if (lastTableLine < 0) {
    lines.splice(headingLine + 1, 0, '', ...REVIEW_LOG_HEADER, `| ${row(1)} |`);
    return lines.join('\n');
  }
  lines.splice(lastTableLine + 1, 0, `| ${row(dataRows + 1)} |`);
  return lines.join('\n');
}

function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
