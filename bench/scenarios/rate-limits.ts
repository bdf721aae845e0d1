import type { TransportKind } from '../transport-choice.js';
import type { ScenarioResult } from '../result.js';
import { runSynthetic, type SyntheticRunSpec } from '../synthetic-run.js';
import { syntheticResult } from './synthetic-result.js';

export const RATE_LIMIT_EVERY = 10;
export const RETRY_AFTER_SECONDS = 1;

/**
 * 3 keys × 2 calls each under parallel 10, so items queue for keys; every 10th request the server
 * receives is answered 429 with `retry-after: 1`. Every item must still succeed, and no request may
 * reach a key inside the cool-down that key announced.
 */
export async function rateLimitsScenario(transport: TransportKind): Promise<ScenarioResult> {
  const spec: SyntheticRunSpec = {
    items: 50,
    callsPerItem: 2,
    parallel: 10,
    keys: 3,
    perKeyConcurrency: 2,
    server: { responder: 'synthetic', latencyMs: 100, rateLimitEvery: RATE_LIMIT_EVERY, retryAfterSeconds: RETRY_AFTER_SECONDS },
    transport,
  };
  return syntheticResult(
    'rate-limits',
    `50 items × 2 calls × 100 ms, 429 on every ${RATE_LIMIT_EVERY}th request`,
    spec,
    await runSynthetic(spec),
  );
}
