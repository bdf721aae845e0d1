/**
 * Orders ids the way people read them: `9` before `10`, `LLD-2` before `LLD-10`, then alphabetically.
 * A fixed locale keeps the order identical on every machine.
 */
export function compareItemIds(left: string, right: string): number {
  return numericOrder(left, right) || (left < right ? -1 : left > right ? 1 : 0);
}

// One collator for every comparison: localeCompare with options builds a new one per call, which makes sorting a long backlog slow.
const numericOrder = new Intl.Collator('en', { numeric: true }).compare;
