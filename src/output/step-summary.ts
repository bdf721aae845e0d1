import type { ItemStatus, ItemSummary, RunSummary } from '../core/items.js';
import { formatDuration, plural } from '../core/format.js';
import { formatCost } from './format.js';
import { STATUS_ORDER } from './status-style.js';

const STATUS_MARKS: Readonly<Record<ItemStatus, string>> = {
  succeeded: '✅',
  skipped: '⏭️',
  failed: '❌',
  invalid: '❌',
  blocked: '⚠️',
  interrupted: '⏹️',
  cancelled: '⏹️',
};

/** The sections after the table, in this order: what failed, then what waits for a human, then what stopped. */
const ATTENTION: ReadonlyArray<{ heading: string; statuses: readonly ItemStatus[] }> = [
  { heading: 'Failed', statuses: ['failed', 'invalid'] },
  { heading: 'Blocked: a human decides', statuses: ['blocked'] },
  { heading: 'Stopped before the end', statuses: ['interrupted', 'cancelled'] },
];

/**
 * The run summary as GitHub-flavoured markdown for a job's summary page: a heading, the totals, one
 * table row per item (status, stage, model calls, cost, output), then each item that needs attention
 * with its reason (a blocked item's questions, failing tests, worktree and the commands that continue
 * or approve it) and the retry commands. Text from items is escaped, so a title cannot break the table
 * or inject markup.
 */
export function renderStepSummary(summary: RunSummary): string {
  const lines = [`### lldflow ${summary.workflow} run \`${summary.runId}\``, '', totals(summary), ''];
  if (summary.items.length > 0) {
    lines.push(
      '| item | title | status | stage | model calls | cost | output |',
      '| --- | --- | --- | --- | ---: | ---: | --- |',
      ...summary.items.map(
        (item) =>
          `| ${cell(item.id)} | ${cell(item.title)} | ${STATUS_MARKS[item.status]} ${item.status} | ${cell(item.stage)} | ${item.llmCalls} | ${formatCost(item.costUsd)} | ${item.output === null ? '' : code(item.output, { inTable: true })} |`,
      ),
      '',
    );
  }
  for (const section of ATTENTION) {
    const items = summary.items.filter((item) => section.statuses.includes(item.status));
    if (items.length === 0) continue;
    lines.push(`#### ${section.heading}`, '');
    for (const item of items) lines.push(...attention(item), '');
  }
  if (summary.retryCommand !== null) lines.push(`Retry what failed or stopped: ${code(summary.retryCommand)}`, '');
  if (summary.retryBlockedCommand) lines.push(`Continue every blocked item: ${code(summary.retryBlockedCommand)}`, '');
  return lines.join('\n');
}

function totals(summary: RunSummary): string {
  const counts = STATUS_ORDER.filter((status) => summary.counts[status] > 0).map((status) => `${summary.counts[status]} ${status}`);
  const calls = summary.items.reduce((total, item) => total + item.llmCalls, 0);
  const cost = summary.items.reduce((total, item) => total + item.costUsd, 0);
  const items = `${summary.items.length} ${plural(summary.items.length, 'item')}`;
  return [`**${items}**`, ...counts, `${calls} model calls`, formatCost(cost), `wall time ${formatDuration(summary.durationMs)}`].join(
    ' · ',
  );
}

/** One item's entry under its section: why, then for a blocked item what a human needs to go on. */
function attention(item: ItemSummary): string[] {
  const [first = item.status, ...rest] = (item.error ?? item.status).split(/\r?\n/);
  const lines = [`- **${text(item.id)}** ${text(item.title)}: ${text(first)}`];
  const more = rest.join('\n').trim();
  if (more !== '') lines.push(...block(more));
  const blocked = item.blocked;
  if (!blocked) return lines;
  for (const question of blocked.questions) lines.push(`  - Question: ${text(question)}`);
  for (const blocking of blocked.blockingItems) lines.push(`  - Blocking: ${text(blocking)}`);
  if (blocked.failingTests !== undefined && blocked.failingTests.trim() !== '') {
    lines.push('  - Failing tests:', ...block(blocked.failingTests.trim()));
  }
  if (blocked.worktree !== undefined) lines.push(`  - Worktree: ${code(blocked.worktree)}`);
  if (blocked.continueCommand !== undefined) lines.push(`  - Continue: ${code(blocked.continueCommand)}`);
  if (blocked.approveCommand !== undefined) lines.push(`  - Approve by hand: ${code(blocked.approveCommand)}`);
  return lines;
}

/** Text as it reads, with nothing GitHub would take for HTML. */
function text(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A table cell: one line, and a `|` does not end it. */
function cell(value: string): string {
  return text(value.replace(/\s*\r?\n\s*/g, ' ')).replaceAll('|', '\\|');
}

/** Inline code whose fence no backtick inside can close; in a table, a `|` is escaped (GitHub reads it there first). */
function code(value: string, options: { inTable?: boolean } = {}): string {
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const padded = value.startsWith('`') || value.endsWith('`') ? ` ${value} ` : value;
  return `${fence}${options.inTable === true ? padded.replaceAll('|', '\\|') : padded}${fence}`;
}

/** A fenced block inside a list item, with a fence longer than any run of backticks in it. */
function block(value: string): string[] {
  const longest = Math.max(2, ...[...value.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`  ${fence}text`, ...value.split(/\r?\n/).map((line) => `  ${line}`), `  ${fence}`];
}
