import type { RateLimits } from '../fake-server/rate-limits.js';
import { limitUse } from '../limit-use.js';
import type { ScenarioResult } from '../result.js';
import { percent, spread } from '../statistics.js';
import { LATENCY_LABEL, REALISTIC_LATENCY, WARM_UP_LATENCY_MS } from './realistic-latency.js';
import { callsPerKey, measuredRequirementsRun, type RequirementsRunSpec } from './requirements-run.js';

/**
 * OpenAI's limits per minute, scaled to 10 s. The LLD prompts here are about 1,500 tokens (draft) and
 * 800 (review), so 15,000 tokens allow about 13 calls per window against 20 requests: the token limit
 * binds, as it does for real prompts on real accounts.
 */
export const PACING_LIMITS: RateLimits = { requests: 20, tokens: 15_000, windowMs: 10_000 };

const KEYS = 3;

/**
 * 10 items at once on 3 keys × 4 calls each want several times the calls the limits allow, so every key
 * runs into its limits all the time. Enough items that the limits, not the queue, set the pace for
 * about 25 s.
 */
function spec(pacing: boolean): RequirementsRunSpec {
  return {
    items: 80,
    parallel: 10,
    keys: KEYS,
    perKeyConcurrency: 4,
    pacing,
    server: { responder: 'lld', latency: REALISTIC_LATENCY, warmUpLatencyMs: WARM_UP_LATENCY_MS, rateLimits: PACING_LIMITS },
  };
}

/** The real LLD workflow against per-key rate limits, with pacing (`pacing`) or with `--no-pacing`. */
export async function pacingScenario(pacing: boolean): Promise<ScenarioResult> {
  const scenario = spec(pacing);
  const run = await measuredRequirementsRun(scenario);
  const { served } = run;
  const use = limitUse(served, PACING_LIMITS, KEYS);
  const windowSeconds = PACING_LIMITS.windowMs / 1000;
  const rateLimited = served.filter((request) => request.status === 429).length;
  const modelCalls = served.filter((request) => request.status === 200).length;
  return {
    name: pacing ? 'pacing' : 'no-pacing',
    label:
      `real LLD workflow${pacing ? '' : ' with --no-pacing'}, ${KEYS} keys × ${scenario.perKeyConcurrency} calls, each key ` +
      `${PACING_LIMITS.requests} requests and ${PACING_LIMITS.tokens.toLocaleString('en-US')} tokens per ${windowSeconds} s; ${LATENCY_LABEL}`,
    items: scenario.items,
    parallel: scenario.parallel,
    modelCalls,
    requests: served.length,
    rateLimited,
    wallMs: run.wallMs,
    limitShare: Math.max(use.requestShare, use.tokenShare),
    cpuMs: run.cpuMs,
    peakRssMb: run.peakRssMb,
    failedItems: scenario.items - (run.summary?.counts.succeeded ?? 0),
    details: {
      'exit code': run.code,
      'system CPU ms per call (in the CPU / call)': (run.systemCpuMs / modelCalls).toFixed(2),
      'binding limit': use.binding,
      'measured period s (first request → last item started)': (use.periodMs / 1000).toFixed(1),
      'answered requests in it': use.answered,
      'share of the request limit': percent(use.requestShare),
      'share of the token limit': percent(use.tokenShare),
      'aggregate limits per s': `${(KEYS * PACING_LIMITS.requests) / windowSeconds} requests, ${(KEYS * PACING_LIMITS.tokens) / windowSeconds} tokens`,
      '429s': rateLimited,
      'answered calls per key': callsPerKey(served, KEYS),
      'item duration ms min/mean/max': spread(run.summary?.items.map((item) => item.durationMs) ?? []),
      'warm-up run ms': Math.round(run.warmUpMs),
    },
  };
}
