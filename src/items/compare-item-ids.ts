/**
 * Orders ids the way people read them: `9` before `10`, `LLD-2` before `LLD-10`, then alphabetically.
 * A fixed locale keeps the order identical on every machine.
 */
export function compareItemIds(left: string, right: string): number {
  return left.localeCompare(right, 'en', { numeric: true }) || (left < right ? -1 : left > right ? 1 : 0);
}
