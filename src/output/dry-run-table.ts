import type { PlannedItem } from '../runner/events.js';
import type { ItemPlanAction } from '../core/items.js';
import { plural } from '../core/format.js';
import { renderColumns } from './text-table.js';

/** Long enough to recognise an issue, short enough for the table to fit a 100-column terminal. */
const TITLE_WIDTH = 50;

/** What `--dry-run` prints: each item, its title and what a real run would do with it. */
export function renderDryRun(items: readonly PlannedItem[], workflow: string): string {
  if (items.length === 0) return `dry run (${workflow}): nothing to do; nothing was run or written`;
  const table = renderColumns(
    [{ header: 'id' }, { header: 'title' }, { header: 'action' }],
    items.map((item) => [item.id, truncateTitle(item.title), describeAction(item.action)]),
  );
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
  return [...table, '', total].join('\n');
}

export function describeAction(action: ItemPlanAction): string {
  switch (action.kind) {
    case 'start':
      return 'start';
    case 'resume':
      return `resume at ${action.stage}`;
    case 'skip':
      return `skip (${action.reason})`;
    case 'refuse':
      return `${action.status === 'invalid' ? 'invalid' : 'fail'} (${action.reason})`;
  }
}

/** Cuts at a word boundary when one is near, so titles do not end mid-word. */
function truncateTitle(title: string): string {
  const flat = title.replace(/\s+/g, ' ').trim();
  if (flat.length <= TITLE_WIDTH) return flat;
  const cut = flat.slice(0, TITLE_WIDTH - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space >= TITLE_WIDTH * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
