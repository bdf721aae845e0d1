import type { ScenarioResult } from './result.js';
import { lldScenario } from './scenarios/lld.js';
import { modelCallsScenario } from './scenarios/model-calls.js';
import { queueScenario } from './scenarios/queue.js';
import { rateLimitsScenario } from './scenarios/rate-limits.js';

export interface ScenarioEntry {
  name: string;
  run: () => Promise<ScenarioResult>;
}

/** Every scenario, in the order the bench runs them; each runs in its own child process. */
export const SCENARIOS: readonly ScenarioEntry[] = [
  { name: 'calls-p1', run: () => modelCallsScenario(1) },
  { name: 'calls-p3', run: () => modelCallsScenario(3) },
  { name: 'calls-p10', run: () => modelCallsScenario(10) },
  { name: 'queue-10k', run: queueScenario },
  { name: 'rate-limits', run: rateLimitsScenario },
  { name: 'lld', run: lldScenario },
];

export const SCENARIO_NAMES = SCENARIOS.map((scenario) => scenario.name);
