import { checkCooldowns } from '../cooldown-violations.js';
import { idealMs, type ScenarioResult } from '../result.js';
import { meanServerHoldMs } from '../served-timing.js';
import type { SyntheticRunMeasurement, SyntheticRunSpec } from '../synthetic-run.js';

/** Turns one synthetic run into the table's row: ideal from the spec, failures and 429s from the records. */
export function syntheticResult(name: string, label: string, spec: SyntheticRunSpec, run: SyntheticRunMeasurement): ScenarioResult {
  const cooldowns = checkCooldowns(run.served);
  const concurrentCalls = Math.min(spec.parallel, spec.keys * spec.perKeyConcurrency);
  const answered = run.served.filter((request) => request.status === 200).length;
  return {
    name,
    label,
    items: spec.items,
    callsPerItem: spec.callsPerItem,
    parallel: spec.parallel,
    wallMs: run.wallMs,
    idealMs: idealMs({
      longestChainCalls: spec.callsPerItem,
      totalCalls: spec.items * spec.callsPerItem,
      latencyMs: spec.server.latencyMs,
      concurrentCalls,
    }),
    peakRssMb: run.peakRssMb,
    failedItems: spec.items - run.summary.counts.succeeded,
    rateLimitsRiddenOut: cooldowns.rateLimits,
    cooldownViolations: cooldowns.violations,
    details: {
      'requests served': run.served.length,
      'answered 200': answered,
      '429s seen by lldflow': run.rateLimitEvents,
      'waits for a key': run.keyWaits,
      'mean server hold ms': round(meanServerHoldMs(run.served), 2),
      'calls per key': run.callsPerKey.join('/'),
      'run events': run.events,
      'CPU ms per item': round(run.cpuMs / spec.items, 3),
      'untimed warm-up run ms': Math.round(run.warmUpMs),
      ...(run.baseline
        ? {
            'bare transport loop wall ms (same calls, no lldflow, run after)': Math.round(run.baseline.wallMs),
            'bare transport CPU ms per item': round(run.baseline.cpuMs / spec.items, 3),
            'overhead/item beyond the bare loop ms': round(((run.wallMs - run.baseline.wallMs) * spec.parallel) / spec.items, 2),
          }
        : {}),
      ...(cooldowns.rateLimits > 0
        ? { 'requests in a cool-down but already in flight when the client got the 429 (not violations)': cooldowns.inFlight }
        : {}),
      ...(cooldowns.closestViolationMs === undefined
        ? {}
        : { 'closest violation ms after its 429': round(cooldowns.closestViolationMs, 2) }),
    },
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
