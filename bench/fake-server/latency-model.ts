/** How long the fake model takes to answer one call. */
export type LatencyModel =
  | { kind: 'fixed'; ms: number }
  /**
   * Log-normal call times given by their median and 95th percentile (sigma = ln(p95 / median) / 1.645).
   * Each call's time is drawn from a generator seeded with `seed` and the call's own name (item and
   * step), so a call takes as long in every run, whatever order the calls arrive in and whichever key
   * carries them, and a retried call takes as long as its first attempt would have.
   */
  | { kind: 'log-normal'; medianMs: number; p95Ms: number; seed: string };

/** The standard normal quantile of 0.95. */
const Z_95 = 1.645;

/** The time, in ms, the model takes for the call named `callName` (for example `17/draft`). */
export function callLatencyMs(model: LatencyModel, callName: string): number {
  if (model.kind === 'fixed') return model.ms;
  const sigma = Math.log(model.p95Ms / model.medianMs) / Z_95;
  return model.medianMs * Math.exp(sigma * standardNormal(seededUniforms(`${model.seed}/${callName}`)));
}

/** Box–Muller: one standard normal draw from two uniform ones. */
function standardNormal(uniform: () => number): number {
  const first = 1 - uniform();
  const second = uniform();
  return Math.sqrt(-2 * Math.log(first)) * Math.cos(2 * Math.PI * second);
}

/** Uniform draws in [0, 1) from mulberry32 seeded with the FNV-1a hash of `seed`. */
function seededUniforms(seed: string): () => number {
  let state = fnv1a(seed);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
