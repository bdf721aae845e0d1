import { efficiencyOf, overheadPerItemMs, type ScenarioResult } from './result.js';

export interface TargetCheck {
  target: string;
  scenario: string;
  passed: boolean;
  /** The measured value, formatted. */
  measured: string;
}

interface Target {
  target: string;
  scenario: string;
  check(result: ScenarioResult): { passed: boolean; measured: string };
}

const TARGETS: readonly Target[] = [
  {
    target: 'efficiency ≥ 0.95 at parallel 10 (100 × 4 × 100 ms)',
    scenario: 'calls-p10',
    check: (result) => ({ passed: efficiencyOf(result) >= 0.95, measured: efficiencyOf(result).toFixed(3) }),
  },
  {
    target: 'overhead ≤ 2 ms per item at parallel 10 (100 × 4 × 100 ms)',
    scenario: 'calls-p10',
    check: (result) => ({ passed: overheadPerItemMs(result) <= 2, measured: `${overheadPerItemMs(result).toFixed(2)} ms` }),
  },
  {
    target: 'overhead ≤ 2 ms per item at parallel 10 (10,000 items × 1 ms)',
    scenario: 'queue-10k',
    check: (result) => ({ passed: overheadPerItemMs(result) <= 2, measured: `${overheadPerItemMs(result).toFixed(2)} ms` }),
  },
  {
    target: 'peak RSS ≤ 200 MB for 10,000 items',
    scenario: 'queue-10k',
    check: (result) => ({ passed: result.peakRssMb <= 200, measured: `${result.peakRssMb.toFixed(1)} MB` }),
  },
  {
    target: '429s: 0 failed items and 0 cool-down violations',
    scenario: 'rate-limits',
    check: (result) => ({
      passed: result.failedItems === 0 && result.cooldownViolations === 0 && result.rateLimitsRiddenOut > 0,
      measured: `${result.failedItems} failed, ${result.cooldownViolations} violations, ${result.rateLimitsRiddenOut} 429s ridden out`,
    }),
  },
  {
    target: 'LLD workflow ≤ 1.10 × ideal at 1 s calls (and 0 failed)',
    scenario: 'lld',
    check: (result) => ({
      passed: result.failedItems === 0 && result.wallMs <= 1.1 * result.idealMs,
      measured: `${(result.wallMs / result.idealMs).toFixed(3)} × ideal, ${result.failedItems} failed`,
    }),
  },
];

/** The targets for the scenarios that ran (a target whose scenario was left out is not checked). */
export function checkTargets(results: readonly ScenarioResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const target of TARGETS) {
    const result = results.find((candidate) => candidate.name === target.scenario);
    if (!result) continue;
    checks.push({ target: target.target, scenario: target.scenario, ...target.check(result) });
  }
  return checks;
}
