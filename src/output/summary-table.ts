import picocolors from 'picocolors';
import type { BlockedSummary, ItemSummary, RunSummary } from '../core/items.js';
import { formatDuration } from '../core/format.js';
import { formatCost } from './format.js';
import { ATTENTION_STATUSES, STATUS_ORDER, statusColor, styledStatus, type Colors } from './status-style.js';
import { renderColumns, type TableCell } from './text-table.js';

export interface SummaryOptions {
  color: boolean;
}

const ERROR_WIDTH = 160;
/** A blocked item shows this many questions or blocking items, and this many lines of failing tests; the run summary JSON has all. */
const LISTED_ENTRIES = 5;
const FAILING_TEST_LINES = 12;

/** The end-of-run report: one row per item, the totals, what needs attention and how to retry it. */
export function renderSummary(summary: RunSummary, options: SummaryOptions): string {
  const colors = picocolors.createColors(options.color);
  const lines: string[] = [];
  if (summary.items.length === 0) {
    lines.push(`${summary.workflow} run ${summary.runId}: nothing to do`);
  } else {
    const rows: TableCell[][] = summary.items.map((item) => [
      item.id,
      { text: item.status, style: statusColor(item.status, colors) },
      item.stage,
      formatDuration(item.durationMs),
      String(item.llmCalls),
      formatCost(item.costUsd),
    ]);
    lines.push(
      ...renderColumns(
        [
          { header: 'id' },
          { header: 'status' },
          { header: 'stage' },
          { header: 'duration', align: 'right' },
          { header: 'model calls', align: 'right' },
          { header: 'cost', align: 'right' },
        ],
        rows,
        colors.bold,
      ),
    );
  }
  lines.push('', totalsLine(summary, colors));
  for (const status of ATTENTION_STATUSES) {
    const items = summary.items.filter((item) => item.status === status);
    if (items.length === 0) continue;
    lines.push(`${styledStatus(status, colors)}: ${items.map((item) => item.id).join(', ')}`);
    for (const item of items) {
      const reason = firstLine(item);
      if (reason !== undefined) lines.push(`  ${item.id}: ${reason}`);
      if (item.status === 'blocked' && item.blocked) lines.push(...blockedLines(item.blocked, colors));
    }
  }
  if (summary.retryCommand !== null) lines.push('', `retry: ${colors.bold(summary.retryCommand)}`);
  if (summary.retryBlockedCommand) {
    lines.push(...(summary.retryCommand === null ? [''] : []), `continue blocked: ${colors.bold(summary.retryBlockedCommand)}`);
  }
  return lines.join('\n');
}

/** Under a blocked item: what a human must decide or fix, where its work is, and the commands that act on it. */
function blockedLines(blocked: BlockedSummary, colors: Colors): string[] {
  const lines = [
    ...listed('question', blocked.questions),
    ...listed('blocking', blocked.blockingItems),
    ...failingTestLines(blocked.failingTests),
    ...(blocked.worktree === undefined ? [] : [`    worktree: ${blocked.worktree}`]),
  ];
  if (blocked.approveCommand !== undefined) lines.push(`    approve: ${colors.bold(blocked.approveCommand)}`);
  if (blocked.continueCommand !== undefined) lines.push(`    continue: ${colors.bold(blocked.continueCommand)}`);
  return lines;
}

function listed(label: string, entries: readonly string[]): string[] {
  const shown = entries.slice(0, LISTED_ENTRIES).map((entry) => `    ${label}: ${clip(entry)}`);
  const more = entries.length - shown.length;
  return more > 0 ? [...shown, `    (${more} more ${label === 'question' ? 'questions' : 'blocking items'} in the run summary)`] : shown;
}

function failingTestLines(failingTests: string | undefined): string[] {
  if (failingTests === undefined || failingTests.trim() === '') return [];
  const all = failingTests.split(/\r?\n/).filter((line) => line.trim() !== '');
  const shown = all.slice(0, FAILING_TEST_LINES).map((line) => `      ${clip(line)}`);
  const more = all.length - shown.length;
  return ['    failing tests:', ...shown, ...(more > 0 ? [`      (${more} more lines in the run summary)`] : [])];
}

function clip(line: string): string {
  return line.length > ERROR_WIDTH ? `${line.slice(0, ERROR_WIDTH - 1)}…` : line;
}

function totalsLine(summary: RunSummary, colors: Colors): string {
  const counts = STATUS_ORDER.filter((status) => summary.counts[status] > 0).map((status) =>
    statusColor(status, colors)(`${summary.counts[status]} ${status}`),
  );
  const cost = summary.items.reduce((total, item) => total + item.costUsd, 0);
  const calls = summary.items.reduce((total, item) => total + item.llmCalls, 0);
  const countText = counts.length > 0 ? counts.join(' · ') : 'no items';
  return `total: ${countText} · wall time ${formatDuration(summary.durationMs)} · ${calls} model calls · ${formatCost(cost)}`;
}

function firstLine(item: ItemSummary): string | undefined {
  const line = item.error?.split(/\r?\n/).find((candidate) => candidate.trim().length > 0);
  if (line === undefined) return undefined;
  return line.length > ERROR_WIDTH ? `${line.slice(0, ERROR_WIDTH - 1)}…` : line;
}
