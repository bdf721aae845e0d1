import type { LatencyModel } from '../fake-server/latency-model.js';

/**
 * Real model calls take a median of 3 s with a long tail (p95 20 s); the bench runs them ten times
 * faster, so a scenario takes half a minute rather than five, and whatever lldflow spends between calls
 * weighs ten times what it would against real latency.
 */
export const LATENCY_SCALE = 1 / 10;

export const MEDIAN_CALL_MS = 3000 * LATENCY_SCALE;
export const P95_CALL_MS = 20_000 * LATENCY_SCALE;

export const REALISTIC_LATENCY: LatencyModel = { kind: 'log-normal', medianMs: MEDIAN_CALL_MS, p95Ms: P95_CALL_MS, seed: 'lldflow-bench' };

/** How the scenarios' call times read under the table. */
export const LATENCY_LABEL = `log-normal call times, median ${MEDIAN_CALL_MS} ms, p95 ${P95_CALL_MS} ms (real calls' 3 s and 20 s, ${1 / LATENCY_SCALE} times faster)`;

/** The warm-up's answers: it only loads code, so its calls need not take long. */
export const WARM_UP_LATENCY_MS = 10;
