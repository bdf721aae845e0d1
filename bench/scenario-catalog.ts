import type { ScenarioResult } from './result.js';

export interface ScenarioEntry {
  name: string;
  run: () => Promise<ScenarioResult>;
}

// Scenarios are imported when they run, so a child process loads only its own scenario's modules and
// its peak RSS does not include, say, the CLI that the queue scenario does not use.
/** Every scenario, in the order the bench runs them; each runs in its own child process. */
export const SCENARIOS: readonly ScenarioEntry[] = [
  { name: 'pacing', run: async () => (await import('./scenarios/pacing.js')).pacingScenario(true) },
  { name: 'no-pacing', run: async () => (await import('./scenarios/pacing.js')).pacingScenario(false) },
  { name: 'latency', run: async () => (await import('./scenarios/latency.js')).latencyScenario() },
  { name: 'calls', run: async () => (await import('./scenarios/model-calls.js')).modelCallsScenario() },
  { name: 'queue-10k', run: async () => (await import('./scenarios/queue.js')).queueScenario() },
  { name: 'fleet', run: async () => (await import('./scenarios/fleet.js')).fleetScenario() },
];

export const SCENARIO_NAMES = SCENARIOS.map((scenario) => scenario.name);
