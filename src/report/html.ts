/**
 * Text from a run (titles, errors, stage names, model names) as HTML text or an attribute value: the
 * five characters that could end a text, an attribute or a tag become entities, so nothing a run holds
 * can add markup or script to the report.
 */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** `name="value"` pairs, each value escaped; undefined values are left out. */
export function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${name}="${escapeHtml(typeof value === 'number' ? formatNumber(value) : value)}"`)
    .join(' ');
}

/** SVG coordinates: two decimals at most, no `-0`. */
function formatNumber(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}
