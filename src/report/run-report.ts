import { formatDuration, plural } from '../core/format.js';
import type { ItemSummary, RunSummary } from '../core/items.js';
import { formatCost } from '../output/format.js';
import { STATUS_ORDER } from '../output/status-style.js';
import type { RunEvent } from '../runner/events.js';
import { attributes, escapeHtml } from './html.js';
import { REPORT_SCRIPT, REPORT_STYLE } from './report-assets.js';
import { buildTimeline } from './timeline.js';
import { renderTimelineSvg } from './timeline-svg.js';

export interface RunReportInput {
  summary: RunSummary;
  /** Undefined when the run wrote no events file: the report then has the summary and says why there is no timeline. */
  events: readonly RunEvent[] | undefined;
  /** Lines of the events file that could not be read, to say so. */
  skippedLines?: number;
}

/**
 * One self-contained HTML page about one run: its figures, a timeline (a lane per item and per key)
 * and the summary table with costs. Every text from the run is escaped; the page loads nothing (its
 * Content-Security-Policy allows only what is inline), so it opens offline, from a file, anywhere.
 */
export function renderRunReport(input: RunReportInput): string {
  const { summary } = input;
  const title = `lldflow ${summary.workflow} run ${summary.runId}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    header(summary),
    '<h2>Timeline</h2>',
    timelineSection(input),
    '<h2>Summary</h2>',
    summaryTable(summary),
    blockedSection(summary),
    retrySection(summary),
    `<script>${REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(summary: RunSummary): string {
  const cost = summary.items.reduce((total, item) => total + item.costUsd, 0);
  const calls = summary.items.reduce((total, item) => total + item.llmCalls, 0);
  const mode = summary.parallel > 1 ? `parallel ${summary.parallel}` : 'sequential';
  const counts = STATUS_ORDER.filter((status) => summary.counts[status] > 0).map(
    (status) => `<span class="status-${status}">${summary.counts[status]} ${status}</span>`,
  );
  return [
    `<p class="meta">started ${escapeHtml(summary.startedAt)} · wall time ${escapeHtml(formatDuration(summary.durationMs))} · ${mode} · ${summary.items.length} ${plural(summary.items.length, 'item')} · ${calls} model ${plural(calls, 'call')} · ${escapeHtml(formatCost(cost))}</p>`,
    `<p class="meta counts">${counts.join('') || 'no items'}</p>`,
  ].join('\n');
}

function timelineSection(input: RunReportInput): string {
  if (input.events === undefined || input.events.length === 0) {
    return '<p class="note-box">This run recorded no events (it ran on an lldflow that did not write them, or its events file is gone), so there is no timeline: the summary below is all there is.</p>';
  }
  const skipped =
    (input.skippedLines ?? 0) > 0
      ? `<p class="note-box">${input.skippedLines} ${plural(input.skippedLines ?? 0, 'line')} of the events file could not be read and ${input.skippedLines === 1 ? 'was' : 'were'} left out.</p>`
      : '';
  const timeline = buildTimeline(input.summary, input.events);
  return [
    legend(),
    `<div class="timeline-box">${renderTimelineSvg(timeline)}</div>`,
    '<div id="details">Point at a bar for its details; click a row of the summary to find its lane.</div>',
    skipped,
  ].join('\n');
}

function legend(): string {
  const entry = (style: string, text: string): string => `<span><i style="${style}"></i>${escapeHtml(text)}</span>`;
  return [
    '<p class="legend">',
    entry('background:#4e79a7', 'stage (colour by kind)'),
    entry('background:#6b7280', 'model call'),
    entry('background:var(--lease)', 'key lease'),
    entry('background:var(--rest)', 'key resting'),
    entry('background:var(--failed)', 'HTTP 429'),
    entry('background:#000', 'key set aside'),
    entry('background:var(--succeeded)', 'item end (status colour)'),
    '</p>',
  ].join('');
}

function summaryTable(summary: RunSummary): string {
  if (summary.items.length === 0) return '<p class="note-box">Nothing to do: the run selected no item.</p>';
  const head = ['id', 'title', 'status', 'stage', 'duration', 'model calls', 'cost', 'output', 'error'];
  const numeric = new Set(['duration', 'model calls', 'cost']);
  const cost = summary.items.reduce((total, item) => total + item.costUsd, 0);
  const calls = summary.items.reduce((total, item) => total + item.llmCalls, 0);
  return [
    '<table class="summary">',
    `<thead><tr>${head.map((name) => `<th${numeric.has(name) ? ' class="number"' : ''}>${name}</th>`).join('')}</tr></thead>`,
    `<tbody>${summary.items.map(row).join('\n')}</tbody>`,
    `<tfoot><tr><td colspan="4">total</td><td class="number">${escapeHtml(formatDuration(summary.durationMs))}</td><td class="number">${calls}</td><td class="number">${escapeHtml(formatCost(cost))}</td><td colspan="2"></td></tr></tfoot>`,
    '</table>',
  ].join('\n');
}

function row(item: ItemSummary): string {
  const cells = [
    cell(item.id),
    cell(item.title),
    `<td class="status-${item.status}">${escapeHtml(item.status)}</td>`,
    cell(item.stage),
    cell(formatDuration(item.durationMs), 'number'),
    cell(String(item.llmCalls), 'number'),
    cell(formatCost(item.costUsd), 'number'),
    cell(item.output ?? '—'),
    cell(item.error ?? '', 'error'),
  ];
  return `<tr ${attributes({ 'data-id': item.id })}>${cells.join('')}</tr>`;
}

function cell(text: string, className?: string): string {
  return `<td${className === undefined ? '' : ` class="${className}"`}>${escapeHtml(text)}</td>`;
}

/** Each blocked item with what a human has to decide and the commands that act on it. */
function blockedSection(summary: RunSummary): string {
  const blocked = summary.items.filter((item) => item.status === 'blocked' && item.blocked !== undefined);
  if (blocked.length === 0) return '';
  const entries = blocked.map((item) => {
    const detail = item.blocked!;
    const list = (title: string, texts: readonly string[]): string =>
      texts.length === 0 ? '' : `<p>${title}</p><ul>${texts.map((text) => `<li>${escapeHtml(text)}</li>`).join('')}</ul>`;
    const block = (title: string, text: string | undefined): string =>
      text === undefined ? '' : `<p>${title}</p><pre>${escapeHtml(text)}</pre>`;
    return [
      `<h3>${escapeHtml(`${item.id}: ${item.title}`)}</h3>`,
      list('Questions for you:', detail.questions),
      list('Blocking:', detail.blockingItems),
      block('Failing tests:', detail.failingTests),
      block('Worktree:', detail.worktree),
      block('Continue it:', detail.continueCommand),
      block('Approve it by hand:', detail.approveCommand),
    ].join('\n');
  });
  return ['<h2>Blocked: a human decides</h2>', ...entries].join('\n');
}

function retrySection(summary: RunSummary): string {
  const commands = [summary.retryCommand, summary.retryBlockedCommand ?? null].filter((command): command is string => command !== null);
  if (commands.length === 0) return '';
  return `<h2>Retry</h2>\n${commands.map((command) => `<pre>${escapeHtml(command)}</pre>`).join('\n')}`;
}
