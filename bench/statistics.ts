/** The value at `share` (0–1] of an ascending list, rounded to whole units; 0 for an empty list. */
export function percentile(sorted: readonly number[], share: number): number {
  return sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]!);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((total, value) => total + value, 0) / values.length;
}

/** `min/mean/max`, rounded: how a list of durations reads in the details. */
export function spread(values: readonly number[]): string {
  if (values.length === 0) return '-';
  return `${Math.round(Math.min(...values))}/${Math.round(mean(values))}/${Math.round(Math.max(...values))}`;
}

/** A share (0–1) as a percentage with one decimal: `98.7%`. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
