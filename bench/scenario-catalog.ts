import type { ScenarioResult } from './result.js';
import type { TransportKind } from './transport-choice.js';

export interface ScenarioOptions {
  /** The synthetic scenarios' HTTP client (the LLD scenario always uses the OpenAI SDK). */
  transport: TransportKind;
}

export interface ScenarioEntry {
  name: string;
  run: (options: ScenarioOptions) => Promise<ScenarioResult>;
}

// Scenarios are imported when they run, so a child process loads only its own scenario's modules and
// its peak RSS does not include, say, the OpenAI SDK that only the LLD scenario uses.
/** Every scenario, in the order the bench runs them; each runs in its own child process. */
export const SCENARIOS: readonly ScenarioEntry[] = [
  { name: 'calls-p1', run: async ({ transport }) => (await import('./scenarios/model-calls.js')).modelCallsScenario(1, transport) },
  { name: 'calls-p3', run: async ({ transport }) => (await import('./scenarios/model-calls.js')).modelCallsScenario(3, transport) },
  { name: 'calls-p10', run: async ({ transport }) => (await import('./scenarios/model-calls.js')).modelCallsScenario(10, transport) },
  { name: 'queue-10k', run: async ({ transport }) => (await import('./scenarios/queue.js')).queueScenario(transport) },
  { name: 'rate-limits', run: async ({ transport }) => (await import('./scenarios/rate-limits.js')).rateLimitsScenario(transport) },
  { name: 'lld', run: async () => (await import('./scenarios/lld.js')).lldScenario() },
];

export const SCENARIO_NAMES = SCENARIOS.map((scenario) => scenario.name);
