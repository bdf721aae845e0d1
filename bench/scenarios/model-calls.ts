import type { ScenarioResult } from '../result.js';
import { runSynthetic, type SyntheticRunSpec } from '../synthetic-run.js';
import { LATENCY_LABEL, REALISTIC_LATENCY, WARM_UP_LATENCY_MS } from './realistic-latency.js';

const ANSWER = { characters: 4000, chunks: 1000 };

const SPEC: SyntheticRunSpec = {
  items: 100,
  callsPerItem: 4,
  parallel: 10,
  keys: 10,
  perKeyConcurrency: 1,
  server: { responder: 'synthetic', latency: REALISTIC_LATENCY, warmUpLatencyMs: WARM_UP_LATENCY_MS, answer: ANSWER },
};

/**
 * What one model call costs lldflow itself: the runner, the key pool, the model client and the OpenAI
 * SDK over undici, each answer a design-sized text streamed about one event per token as providers do,
 * with memory checkpoints and no reporters, so the workflow's own work (validation, SQLite, lineage,
 * git) is left out; the `latency` scenario shows the whole workflow.
 */
export async function modelCallsScenario(): Promise<ScenarioResult> {
  const run = await runSynthetic(SPEC);
  const answered = run.served.filter((request) => request.status === 200);
  return {
    name: 'calls',
    label: `the model-call path (runner, key pool, OpenAI SDK, undici) over synthetic items, ${ANSWER.characters}-character answers in ${ANSWER.chunks} stream events; ${LATENCY_LABEL}`,
    items: SPEC.items,
    parallel: SPEC.parallel,
    modelCalls: answered.length,
    requests: run.served.length,
    rateLimited: run.served.filter((request) => request.status === 429).length,
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    peakRssMb: run.peakRssMb,
    failedItems: SPEC.items - run.summary.counts.succeeded,
    details: { 'untimed warm-up run ms': Math.round(run.warmUpMs) },
  };
}
