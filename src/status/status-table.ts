import { plural } from '../core/format.js';
import { codePointWidth, displayWidth, truncateToWidth } from '../output/display-width.js';
import { formatCost } from '../output/format.js';
import type { ItemStatusRow } from './status-row.js';

interface Column {
  header: string;
  align?: 'right';
  /** How the column gives way when the table is wider than the terminal: never, cut at its end, or cut at its start. */
  shrink?: 'end' | 'start';
}

const COLUMNS: readonly Column[] = [
  { header: 'workflow' },
  { header: 'id' },
  { header: 'title', shrink: 'end' },
  { header: 'stage' },
  { header: 'last result' },
  { header: 'cost', align: 'right' },
  // A path's end names the file: it is cut at its start.
  { header: 'output', shrink: 'start' },
];

const GAP = '  ';
/** A shrinking column keeps at least this many columns (or its whole text, when shorter). */
const MIN_SHRUNK = 12;

/**
 * The status table in at most `width` terminal columns, one line per row: titles and outputs that do
 * not fit are cut with `…` rather than wrapped, so a row stays one line however narrow the terminal.
 * Then one line with the number of items and what they cost.
 */
export function renderStatusTable(rows: readonly ItemStatusRow[], width: number): string[] {
  const cells = rows.map((row) => [row.workflow, row.id, row.title, row.stage, row.lastResult, formatCost(row.costUsd), outputCell(row)]);
  const widths = COLUMNS.map((column, index) =>
    Math.max(displayWidth(column.header), ...cells.map((cell) => displayWidth(cell[index] ?? ''))),
  );
  shrinkToFit(widths, width);
  const line = (texts: readonly string[]): string =>
    COLUMNS.map((column, index) => {
      const columnWidth = widths[index] ?? 0;
      const text = cut(texts[index] ?? '', columnWidth, column.shrink ?? 'end');
      const padding = ' '.repeat(Math.max(0, columnWidth - displayWidth(text)));
      if (column.align === 'right') return padding + text;
      return index === COLUMNS.length - 1 ? text : text + padding;
    })
      .join(GAP)
      .trimEnd();
  const total = rows.reduce((sum, row) => sum + row.costUsd, 0);
  return [
    line(COLUMNS.map((column) => column.header)),
    widths.map((columnWidth) => '-'.repeat(columnWidth)).join(GAP),
    ...cells.map(line),
    `${rows.length} ${plural(rows.length, 'item')}, ${formatCost(total)} in all`,
    // A fixed column wider than the terminal (a very long stage) must still not wrap the row.
  ].map((text) => truncateToWidth(text, width));
}

/** implement: the report on its branch, or the branch, and the worktree while it is there. */
function outputCell(row: ItemStatusRow): string {
  const parts = [
    row.output ?? (row.branch === null ? null : `branch ${row.branch}`),
    row.worktree === null ? null : `worktree ${row.worktree}`,
  ];
  return parts.filter((part): part is string => part !== null).join(', ') || '—';
}

/** Narrows the shrinking columns, the wider one first, until the table fits or they are at their minimum. */
function shrinkToFit(widths: number[], width: number): void {
  const shrinking = COLUMNS.flatMap((column, index) => (column.shrink ? [index] : []));
  const minimum = new Map(
    shrinking.map((index) => [index, Math.min(widths[index] ?? 0, Math.max(MIN_SHRUNK, COLUMNS[index]!.header.length))]),
  );
  let total = widths.reduce((sum, columnWidth) => sum + columnWidth, 0) + GAP.length * (widths.length - 1);
  while (total > width) {
    const widest = shrinking
      .filter((index) => (widths[index] ?? 0) > (minimum.get(index) ?? 0))
      .sort((left, right) => (widths[right] ?? 0) - (widths[left] ?? 0))[0];
    if (widest === undefined) return;
    widths[widest] = (widths[widest] ?? 0) - 1;
    total -= 1;
  }
}

function cut(text: string, width: number, from: 'end' | 'start'): string {
  if (displayWidth(text) <= width) return text;
  return from === 'end' ? truncateToWidth(text, width) : truncateStart(text, width);
}

/** `…/active/LLD-001.md`: the text's end in `width` columns, marked where it was cut. */
function truncateStart(text: string, width: number): string {
  const characters = [...text];
  let kept = '';
  let used = 0;
  for (let index = characters.length - 1; index >= 0; index--) {
    const character = characters[index]!;
    const characterWidth = codePointWidth(character.codePointAt(0) ?? 0);
    if (used + characterWidth > width - 1) break;
    kept = character + kept;
    used += characterWidth;
  }
  return `…${kept}`;
}
