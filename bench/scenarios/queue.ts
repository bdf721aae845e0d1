import type { TransportKind } from '../transport-choice.js';
import type { ScenarioResult } from '../result.js';
import { runSynthetic, type SyntheticRunSpec } from '../synthetic-run.js';
import { syntheticResult } from './synthetic-result.js';

/** 10,000 queued items, one 1 ms call each, at parallel 10: what a long queue costs in time and memory. */
export async function queueScenario(transport: TransportKind): Promise<ScenarioResult> {
  const server = { responder: 'synthetic', latencyMs: 1 } as const;
  const spec: SyntheticRunSpec = {
    items: 10_000,
    callsPerItem: 1,
    parallel: 10,
    keys: 10,
    perKeyConcurrency: 1,
    server,
    transport,
    baseline: true,
  };
  return syntheticResult('queue-10k', '10,000 queued items × 1 call × 1 ms', spec, await runSynthetic(spec));
}
