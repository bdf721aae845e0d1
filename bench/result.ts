/** What one scenario's child process measures; printed by the child as one JSON line. */
export interface ScenarioResult {
  name: string;
  /** A short description for the table. */
  label: string;
  items: number;
  callsPerItem: number;
  parallel: number;
  wallMs: number;
  idealMs: number;
  /** Peak resident set size of the scenario's process (process.resourceUsage().maxRSS), in MB. */
  peakRssMb: number;
  failedItems: number;
  /** 429 answers the server sent that the run absorbed (retried on another key or after the rest). */
  rateLimitsRiddenOut: number;
  /** Requests the server received on a key inside that key's announced cool-down. */
  cooldownViolations: number;
  /** Scenario-specific measurements (server hold time, key spread…), shown under the table. */
  details: Record<string, number | string>;
}

/** Ideal / wall: 1 means lldflow added nothing to the model's own latency. */
export function efficiencyOf(result: ScenarioResult): number {
  return result.idealMs / result.wallMs;
}

/**
 * What each item added to its worker's timeline beyond its model calls, in ms:
 * (wall − ideal) × parallel / items. A worker runs items/parallel items one after another, so the
 * run's excess time spread over one worker's items is the cost of one item.
 */
/** The run's time beyond the ideal, spread over its items: the throughput cost of lldflow per item. */
export function overheadPerItemMs(result: ScenarioResult): number {
  return (result.wallMs - result.idealMs) / result.items;
}

/**
 * What each item added to its worker's timeline beyond its model calls (a worker runs items/parallel
 * items one after another): the run-level overhead × parallel. Stricter, shown beside it.
 */
export function workerOverheadPerItemMs(result: ScenarioResult): number {
  return overheadPerItemMs(result) * result.parallel;
}

/** Peak RSS of the current process in MB (maxRSS is in KB on Linux). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export const RESULT_PREFIX = 'BENCH-RESULT ';

/**
 * The shortest possible wall time: the longest item's chain of calls back to back, or all calls
 * spread perfectly over the calls that can run at once, whichever is longer.
 */
export function idealMs(input: { longestChainCalls: number; totalCalls: number; latencyMs: number; concurrentCalls: number }): number {
  return Math.max(input.longestChainCalls * input.latencyMs, (input.totalCalls * input.latencyMs) / input.concurrentCalls);
}
