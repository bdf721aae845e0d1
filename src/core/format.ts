const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/**
 * How a duration reads.
 * - `compact`, for table cells, progress and log lines: `850ms`, `12.3s`, `4m05s`, `1h02m`.
 * - `prose`, for sentences and limits: `850 ms`, `5 s`, `1.5 s`, `30 min`, `1.5 min`, `2 h`.
 */
export type DurationStyle = 'compact' | 'prose';

/**
 * The one duration formatter. Each unit is rounded before the unit is chosen, so 59.96 s reads
 * `1m00s` (or `1 min`), never `60.0s`. Negative and non-finite durations read as zero.
 */
export function formatDuration(ms: number, style: DurationStyle = 'compact'): string {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  return style === 'compact' ? compact(safe) : prose(safe);
}

function compact(ms: number): string {
  const milliseconds = Math.round(ms);
  if (milliseconds < SECOND) return `${milliseconds}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(ms / SECOND);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${pad2(seconds % 60)}s`;
  const minutes = Math.round(ms / MINUTE);
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}

/** At most one decimal, none when it is zero: `5 s`, `1.5 s`. */
function prose(ms: number): string {
  const milliseconds = Math.round(ms);
  if (milliseconds < SECOND) return `${milliseconds} ms`;
  const secondTenths = Math.round(ms / (SECOND / 10));
  if (secondTenths < 600) return `${secondTenths / 10} s`;
  const minuteTenths = Math.round(ms / (MINUTE / 10));
  if (minuteTenths < 600) return `${minuteTenths / 10} min`;
  const hourTenths = Math.round(ms / (HOUR / 10));
  if (hourTenths < 240) return `${hourTenths / 10} h`;
  // Providers announce waits of a day or decades (`retry-after: 86400`, a date in 2099): `640000 h` hides which.
  const dayTenths = Math.round(ms / (DAY / 10));
  if (dayTenths < 3650) return `${dayTenths / 10} ${dayTenths === 10 ? 'day' : 'days'}`;
  const years = Math.round(ms / (YEAR / 10)) / 10;
  return `${years} ${years === 1 ? 'year' : 'years'}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** The word for `count` things: `plural(1, 'item')` is `item`, `plural(3, 'item')` is `items`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return count === 1 ? singular : pluralForm;
}
