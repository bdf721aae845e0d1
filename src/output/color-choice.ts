/**
 * Whether output to `stream` gets ANSI colours, from the run's own environment (lldflow passes its
 * environment in, so picocolors' detection, which reads `process.env` and `process.argv`, cannot decide):
 *
 * - `FORCE_COLOR` set: `0` or `false` turns colour off; any other value, empty included, turns it on even
 *   when the stream is not a terminal (a CI log that renders colours), and wins over `NO_COLOR`. This is
 *   how Node itself and `supports-color` read it (force-color.org has an empty value force nothing; the
 *   tools users already pass `FORCE_COLOR=` to treat it as on).
 * - `NO_COLOR` set to a non-empty value turns colour off (no-color.org: an empty value asks for nothing).
 * - Otherwise colour on a terminal, unless `TERM=dumb`.
 */
export function colorEnabled(env: Record<string, string | undefined>, stream: { isTTY?: boolean }): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
