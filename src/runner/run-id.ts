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
