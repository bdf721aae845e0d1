/** What one scenario's child process measures; printed by the child as one JSON line. */
export interface ScenarioResult {
  name: string;
  /** What the scenario runs, for the lines under the table. */
  label: string;
  items: number;
  parallel: number;
  /** Model calls the workflow made and the server answered (200). */
  modelCalls: number;
  /** HTTP requests the server received, 429s included. */
  requests: number;
  /** Requests answered 429. */
  rateLimited: number;
  wallMs: number;
  /** The same items on the same workers with no overhead (latency scenario). */
  idealMs?: number;
  /** The share of the keys' binding rate limit the run used (pacing scenarios). */
  limitShare?: number;
  /** CPU time (user + system) of the lldflow process during the timed run, in ms. */
  cpuMs: number;
  /** What each streamed event adds to a call's CPU (calls scenario). */
  cpuSplit?: { msPerStreamEvent: number };
  /** Peak resident set size of the scenario's process (process.resourceUsage().maxRSS), in MB. */
  peakRssMb: number;
  failedItems: number;
  /** Scenario-specific measurements, shown under the table. */
  details: Record<string, number | string>;
}

/** Ideal / wall: 1 means lldflow added nothing to the model's own latency. */
export function efficiencyOf(result: ScenarioResult): number | undefined {
  return result.idealMs === undefined ? undefined : result.idealMs / result.wallMs;
}

/** 429s as a share of every request the server received. */
export function rateLimitedShareOf(result: ScenarioResult): number {
  return result.requests === 0 ? 0 : result.rateLimited / result.requests;
}

/** The lldflow process's CPU time per answered model call, in ms. */
export function cpuMsPerCallOf(result: ScenarioResult): number {
  return result.modelCalls === 0 ? 0 : result.cpuMs / result.modelCalls;
}

/** Peak RSS of the current process in MB (maxRSS is in KB on Linux). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export const RESULT_PREFIX = 'BENCH-RESULT ';
