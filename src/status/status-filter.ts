import type { WorkflowName } from '../core/items.js';
import type { ItemStatusRow, StatusResult } from './status-row.js';

/** `lldflow status --workflow W --status S`: the rows to show. */
export interface StatusFilter {
  workflow?: WorkflowName | undefined;
  status?: StatusResult | undefined;
}

/** The rows the filter keeps, in their order. `--status succeeded` keeps approved designs too: they are done. */
export function filterRows(rows: readonly ItemStatusRow[], filter: StatusFilter): ItemStatusRow[] {
  return rows.filter(
    (row) =>
      (filter.workflow === undefined || row.workflow === filter.workflow) &&
      (filter.status === undefined || row.lastResult === filter.status || (filter.status === 'succeeded' && row.lastResult === 'approved')),
  );
}

/** `--workflow implement --status blocked`, for the line that says nothing matched. */
export function describeFilter(filter: StatusFilter): string {
  return [filter.workflow && `--workflow ${filter.workflow}`, filter.status && `--status ${filter.status}`].filter(Boolean).join(' ');
}
