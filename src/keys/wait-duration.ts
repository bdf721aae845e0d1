import { formatDuration } from '../core/format.js';

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

/**
 * A wait in prose, as formatDuration writes it, and from a day on in days: the waits providers
 * announce can be a day or decades (`retry-after: 86400`, a date in 2099), which `24 h` or
 * `640000 h` hides.
 */
export function describeWait(ms: number): string {
  // From where formatDuration would round up to `24 h`.
  if (!(Number.isFinite(ms) && Math.round(ms / (HOUR / 10)) >= 240)) return formatDuration(ms, 'prose');
  const days = Math.round(ms / (DAY / 10)) / 10;
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}
