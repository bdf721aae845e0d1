import type { ScenarioResult } from '../result.js';
import { runSynthetic, type SyntheticRunSpec } from '../synthetic-run.js';

const SPEC: SyntheticRunSpec = {
  items: 10_000,
  callsPerItem: 1,
  parallel: 10,
  keys: 10,
  perKeyConcurrency: 1,
  server: { responder: 'synthetic', latency: { kind: 'fixed', ms: 20 }, warmUpLatencyMs: 1 },
};

/** 10,000 queued items, one 20 ms call each, at parallel 10: what a long queue costs in memory. */
export async function queueScenario(): Promise<ScenarioResult> {
  const run = await runSynthetic(SPEC);
  const answered = run.served.filter((request) => request.status === 200).length;
  return {
    name: 'queue-10k',
    label: `the runner over ${SPEC.items.toLocaleString('en-US')} synthetic items × ${SPEC.callsPerItem} call of 20 ms (ModelRegistry, OpenAI SDK, memory checkpoints, no reporters)`,
    items: SPEC.items,
    parallel: SPEC.parallel,
    modelCalls: answered,
    requests: run.served.length,
    rateLimited: run.served.filter((request) => request.status === 429).length,
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    peakRssMb: run.peakRssMb,
    failedItems: SPEC.items - run.summary.counts.succeeded,
    details: {
      'RSS before the run MB': round(run.before.rssMb),
      'live heap before the run → at its end MB': `${round(run.before.liveHeapMb)} → ${round(run.liveHeapMb)}`,
      'run events': run.events,
      'untimed warm-up run ms': Math.round(run.warmUpMs),
    },
  };
}

function round(megabytes: number | undefined): string {
  return megabytes === undefined ? '?' : megabytes.toFixed(1);
}
