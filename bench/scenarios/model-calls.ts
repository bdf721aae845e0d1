import type { TransportKind } from '../transport-choice.js';
import type { ScenarioResult } from '../result.js';
import { runSynthetic, type SyntheticRunSpec } from '../synthetic-run.js';
import { syntheticResult } from './synthetic-result.js';

/** 100 items × 4 calls × 100 ms; 10 keys × 1 call each, so keys are never the bottleneck. */
export async function modelCallsScenario(parallel: number, transport: TransportKind): Promise<ScenarioResult> {
  const server = { responder: 'synthetic', latencyMs: 100 } as const;
  const spec: SyntheticRunSpec = {
    items: 100,
    callsPerItem: 4,
    parallel,
    keys: 10,
    perKeyConcurrency: 1,
    server,
    transport,
    baseline: parallel === 10,
  };
  return syntheticResult(`calls-p${parallel}`, '100 items × 4 calls × 100 ms', spec, await runSynthetic(spec));
}
