import { compareItemIds } from '../core/compare-item-ids.js';
import type { WorkflowName } from '../core/items.js';

/** Stores list items in one stable order: by workflow, then by id with numeric ids numerically. */
export function compareListEntries(
  left: { workflow: WorkflowName; itemId: string },
  right: { workflow: WorkflowName; itemId: string },
): number {
  if (left.workflow !== right.workflow) {
    return left.workflow < right.workflow ? -1 : 1;
  }
  return compareItemIds(left.itemId, right.itemId);
}
