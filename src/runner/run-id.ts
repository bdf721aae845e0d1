/**
 * Run ids are UTC timestamps `YYYY-MM-DDTHH-MM-SSZ`; a second run started in the same second gets a
 * suffix (`-2`, `-3`, …) so its logs and summary never overwrite another run's.
 */
export function makeRunId(nowMs: number, isTaken: (candidate: string) => boolean): string {
  const base = new Date(nowMs)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  if (!isTaken(base)) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base}-${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
}

/**
 * Orders run ids by time, and runs of the same second by their suffix: plain string order would put
 * `…Z-2` before `…Z` (and `…Z-10` before `…Z-2`).
 */
export function compareRunIds(left: string, right: string): number {
  const [leftBase, leftSuffix] = splitRunId(left);
  const [rightBase, rightSuffix] = splitRunId(right);
  if (leftBase !== rightBase) return leftBase < rightBase ? -1 : 1;
  return leftSuffix - rightSuffix;
}

function splitRunId(id: string): [base: string, suffix: number] {
  const match = /^(.*Z)-(\d+)$/.exec(id);
  return match ? [match[1]!, Number(match[2])] : [id, 1];
}
