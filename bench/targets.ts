import { cpuMsPerCallOf, efficiencyOf, rateLimitedShareOf, type ScenarioResult } from './result.js';
import { percent } from './statistics.js';

export interface TargetCheck {
  target: string;
  scenario: string;
  passed: boolean;
  /** The measured value, formatted, with the comparison figure when there is one. */
  measured: string;
}

interface Target {
  target: string;
  scenario: string;
  check(result: ScenarioResult, others: readonly ScenarioResult[]): { passed: boolean; measured: string };
}

const MAX_CPU_MS_PER_CALL = 3;

const TARGETS: readonly Target[] = [
  {
    target: "with pacing, throughput ≥ 90% of the keys' aggregate limit",
    scenario: 'pacing',
    check: (result, others) => ({
      passed: (result.limitShare ?? 0) >= 0.9,
      measured: withoutPacing(percent(result.limitShare ?? 0), others, (other) => percent(other.limitShare ?? 0)),
    }),
  },
  {
    target: 'with pacing, 429s ≤ 5% of requests',
    scenario: 'pacing',
    check: (result, others) => ({
      passed: rateLimitedShareOf(result) <= 0.05,
      measured: withoutPacing(percent(rateLimitedShareOf(result)), others, (other) => percent(rateLimitedShareOf(other))),
    }),
  },
  {
    target: 'efficiency ≥ 0.95 at realistic latency',
    scenario: 'latency',
    check: (result) => ({ passed: (efficiencyOf(result) ?? 0) >= 0.95, measured: (efficiencyOf(result) ?? 0).toFixed(3) }),
  },
  {
    target: `CPU ≤ ${MAX_CPU_MS_PER_CALL} ms per model call (the model-call path, over 10,000 calls)`,
    scenario: 'queue-10k',
    check: (result, others) => ({
      passed: cpuMsPerCallOf(result) <= MAX_CPU_MS_PER_CALL,
      measured: withStreamingAndWorkflow(`${cpuMsPerCallOf(result).toFixed(2)} ms`, others),
    }),
  },
  {
    target: 'peak RSS ≤ 200 MB with 10,000 queued items',
    scenario: 'queue-10k',
    check: (result) => ({ passed: result.peakRssMb <= 200, measured: `${result.peakRssMb.toFixed(1)} MB` }),
  },
  {
    target: "fleet throughput at 4 workers ≥ 3.6× one worker's",
    scenario: 'fleet',
    check: (result) => {
      const ratio = Number(result.details['throughput at 4 workers ÷ 1 worker']);
      const commands = result.details['4 workers: Redis commands per model call'];
      return { passed: ratio >= 3.6, measured: `${ratio.toFixed(2)}× (Redis commands per model call at 4 workers: ${String(commands)})` };
    },
  },
];

/**
 * The targets for the scenarios that ran (a target whose scenario was left out is not
 * checked), and one more: every item of every scenario that ran succeeded.
 */
export function checkTargets(results: readonly ScenarioResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const target of TARGETS) {
    const result = results.find((candidate) => candidate.name === target.scenario);
    if (!result) continue;
    checks.push({ target: target.target, scenario: target.scenario, ...target.check(result, results) });
  }
  if (results.length > 0) {
    const failed = results.filter((result) => result.failedItems > 0);
    checks.push({
      target: 'every item succeeds',
      scenario: 'all',
      passed: failed.length === 0,
      measured: failed.length === 0 ? '0 failed' : failed.map((result) => `${result.failedItems} failed in ${result.name}`).join(', '),
    });
  }
  return checks;
}

/** The measured figure with the `--no-pacing` one beside it, when that scenario ran. */
function withoutPacing(measured: string, results: readonly ScenarioResult[], figure: (result: ScenarioResult) => string): string {
  const comparison = results.find((result) => result.name === 'no-pacing');
  return comparison ? `${measured} (--no-pacing: ${figure(comparison)})` : measured;
}

/**
 * Beside the call path's own cost: what each streamed event adds (calls scenario) and the whole LLD
 * workflow's CPU per call (latency scenario), when those ran.
 */
function withStreamingAndWorkflow(measured: string, results: readonly ScenarioResult[]): string {
  const extras: string[] = [];
  const perEvent = results.find((result) => result.name === 'calls')?.cpuSplit?.msPerStreamEvent;
  if (perEvent !== undefined) extras.push(`+ ${(perEvent * 1000).toFixed(1)} µs per streamed event`);
  const workflow = results.find((result) => result.name === 'latency');
  if (workflow) extras.push(`whole LLD workflow: ${cpuMsPerCallOf(workflow).toFixed(2)} ms`);
  return extras.length === 0 ? measured : `${measured} (${extras.join('; ')})`;
}
