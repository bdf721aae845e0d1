import type { PlannedItem } from '../runner/events.js';
import type { ItemPlanAction } from '../core/items.js';
import { plural } from '../core/format.js';
import { projectionCell, projectionLines, type ItemProjection } from './projected-cost.js';
import { renderColumns } from './text-table.js';

/** Titles are never cut shorter than this, even when the other columns leave less room: still recognisable. */
const MIN_TITLE_WIDTH = 20;
/** The width the table fits when no terminal says (a pipe, a CI log, a file). */
export const DEFAULT_DRY_RUN_WIDTH = 120;

export interface DryRunTableOptions {
  /** Columns the table may take: the terminal's width. Default DEFAULT_DRY_RUN_WIDTH. */
  width?: number;
  /** Each item to run's projected cost (see projected-cost.ts): a column, and the total under the table. */
  projections?: ReadonlyMap<string, ItemProjection>;
}

/** What `--dry-run` prints: each item, its title (as much of it as the width leaves room for) and what a real run would do with it. */
export function renderDryRun(items: readonly PlannedItem[], workflow: string, options: DryRunTableOptions = {}): string {
  if (items.length === 0) return `dry run (${workflow}): nothing to do; nothing was run or written`;
  const { projections } = options;
  const costColumn = projections ? [{ header: 'projected cost', align: 'right' as const }] : [];
  const tableWith = (titleWidth: number): string[] =>
    renderColumns(
      [{ header: 'id' }, { header: 'title' }, { header: 'action' }, ...costColumn],
      items.map((item) => [
        item.id,
        truncateTitle(item.title, titleWidth),
        describeAction(item.action),
        ...(projections ? [projectionCell(projections.get(item.id))] : []),
      ]),
    );
  const table = fitTitles(tableWith, items, options.width ?? DEFAULT_DRY_RUN_WIDTH);
  const count = (kind: ItemPlanAction['kind']): number => items.filter((item) => item.action.kind === kind).length;
  const refused = (status: string, label: string): string[] => {
    const number = items.filter((item) => item.action.kind === 'refuse' && item.action.status === status).length;
    return number > 0 ? [`${number} ${label}`] : [];
  };
  const counts = [
    `${items.length} ${plural(items.length, 'item')}`,
    `${count('start')} to start`,
    `${count('resume')} to resume`,
    `${count('skip')} to skip`,
    ...refused('failed', 'to fail'),
    ...refused('invalid', 'invalid'),
  ];
  const total = `dry run (${workflow}): ${counts.join(' · ')}; nothing was run or written`;
  const projected = projections ? projectionLines(projections) : [];
  return [...table, '', ...projected, ...(projected.length > 0 ? [''] : []), total].join('\n');
}

export function describeAction(action: ItemPlanAction): string {
  switch (action.kind) {
    case 'start':
      return 'start';
    case 'resume':
      return action.continueBlocked ? 'continue where it was blocked, with more rounds' : `resume at ${action.stage}`;
    case 'skip':
      return `skip (${action.reason})`;
    case 'refuse':
      return `${action.status === 'invalid' ? 'invalid' : 'fail'} (${action.reason})`;
  }
}

/**
 * The table with the titles as long as the widest line can be within `width`: whole titles when they fit,
 * else cut by what the other columns, however many, leave over (never below MIN_TITLE_WIDTH).
 */
function fitTitles(tableWith: (titleWidth: number) => string[], items: readonly PlannedItem[], width: number): string[] {
  const longest = Math.max(0, ...items.map((item) => flatTitle(item.title).length));
  const whole = tableWith(longest);
  const excess = Math.max(...whole.map((line) => line.length)) - width;
  return excess <= 0 ? whole : tableWith(Math.max(MIN_TITLE_WIDTH, longest - excess));
}

function flatTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}

/** Cuts at a word boundary when one is near, so titles do not end mid-word. */
function truncateTitle(title: string, width: number): string {
  const flat = flatTitle(title);
  if (flat.length <= width) return flat;
  const cut = flat.slice(0, width - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space >= width * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
