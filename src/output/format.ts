const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * A duration short enough for a table cell: `850ms`, `12.3s`, `4m05s`, `1h02m`.
 * Each unit is rounded before the unit is chosen, so 59.96 s reads `1m00s`, never `60.0s`.
 */
export function formatDuration(ms: number): string {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  const milliseconds = Math.round(safe);
  if (milliseconds < SECOND) return `${milliseconds}ms`;
  const tenths = Math.round(safe / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(safe / SECOND);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${pad2(seconds % 60)}s`;
  const minutes = Math.round(safe / MINUTE);
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}

/** US dollars: four decimals below a dollar (model calls cost fractions of a cent), two above. */
export function formatCost(usd: number): string {
  const safe = Number.isFinite(usd) && usd > 0 ? usd : 0;
  return safe < 1 ? `$${safe.toFixed(4)}` : `$${safe.toFixed(2)}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

