import type { ServedRequest } from '../fake-server/protocol.js';
import { idealScheduleMs } from '../ideal-schedule.js';
import type { ScenarioResult } from '../result.js';
import { callGaps } from '../served-timing.js';
import { percentile, spread } from '../statistics.js';
import { LATENCY_LABEL, REALISTIC_LATENCY, WARM_UP_LATENCY_MS } from './realistic-latency.js';
import { callsPerKey, measuredRequirementsRun, type RequirementsRunSpec } from './requirements-run.js';

const SPEC: RequirementsRunSpec = {
  items: 180,
  parallel: 10,
  // As many keys as items at once, so the keys never hold an item back and the ideal needs no key model.
  keys: 10,
  perKeyConcurrency: 1,
  pacing: true,
  server: { responder: 'lld', latency: REALISTIC_LATENCY, warmUpLatencyMs: WARM_UP_LATENCY_MS },
};

/** The real LLD workflow at log-normal call times: how close lldflow comes to the ideal schedule. */
export async function latencyScenario(): Promise<ScenarioResult> {
  const run = await measuredRequirementsRun(SPEC);
  const { served } = run;
  const answered = served.filter((request) => request.status === 200);
  const latencies = answered.map((request) => request.latencyMs).sort((left, right) => left - right);
  const gaps = callGaps(served, run.startedAt, run.endedAt);
  const durations = run.summary?.items.map((item) => item.durationMs) ?? [];
  return {
    name: 'latency',
    label: `real LLD workflow, ${SPEC.keys} keys, no rate limits; ${LATENCY_LABEL}`,
    items: SPEC.items,
    parallel: SPEC.parallel,
    modelCalls: answered.length,
    requests: served.length,
    rateLimited: served.filter((request) => request.status === 429).length,
    wallMs: run.wallMs,
    idealMs: idealScheduleMs(served, Math.min(SPEC.parallel, SPEC.keys * SPEC.perKeyConcurrency)),
    cpuMs: run.cpuMs,
    peakRssMb: run.peakRssMb,
    failedItems: SPEC.items - (run.summary?.counts.succeeded ?? 0),
    details: {
      'exit code': run.code,
      'system CPU ms per call (in the CPU / call)': (run.systemCpuMs / answered.length).toFixed(2),
      'call time ms p50/p95/max': `${percentile(latencies, 0.5)}/${percentile(latencies, 0.95)}/${percentile(latencies, 1)}`,
      'longest item ms': Math.round(Math.max(...itemTimes(answered).values())),
      'item duration ms min/mean/max': spread(durations),
      'start → first request ms': Math.round(gaps.firstRequestMs),
      "answer → same item's next request ms mean/max": `${Math.round(gaps.meanBetweenCallsMs)}/${Math.round(gaps.maxBetweenCallsMs)}`,
      'last answer → run end ms': Math.round(gaps.afterLastReplyMs),
      'answered calls per key': callsPerKey(served, SPEC.keys),
      'warm-up run ms': Math.round(run.warmUpMs),
    },
  };
}

/** Each item's model time: its answered calls back to back. */
function itemTimes(answered: readonly ServedRequest[]): Map<string, number> {
  const times = new Map<string, number>();
  for (const request of answered)
    times.set(request.itemId ?? '', (times.get(request.itemId ?? '') ?? 0) + request.sentAt - request.arrivedAt);
  return times;
}
