/** The runner options of DESIGN.md, parsed and validated (by src/cli/runner-options.ts). */
export interface RunnerOptions {
  /** Absolute path of the target repository. */
  repo: string;
  /** Exactly these items (from --issue), or undefined. */
  ids: string[] | undefined;
  all: boolean;
  retryFailed: boolean;
  /** `--retry-blocked`: only the items whose last run ended blocked. */
  retryBlocked?: boolean;
  /** `--continue`: a blocked item resumes with its history and more rounds instead of starting over. */
  continueBlocked?: boolean;
  /** `--restart`: the selected items start afresh, their checkpoints discarded, instead of resuming. */
  restart?: boolean;
  /** Local item folder instead of GitHub. */
  source: string | undefined;
  /** Items at once; 1 = sequential. Already capped at MAX_PARALLEL. */
  parallel: number;
  dryRun: boolean;
  /** Wall clock per item. */
  timeoutMs: number;
  maxIterations: number | undefined;
  budgetUsd: number | undefined;
  perKeyConcurrency: number;
  /** Hold keys back before their announced rate limits run out; false with `--no-pacing`. */
  pacing: boolean;
  /** A streamed answer that sends no bytes for this long is cut and retried (`--stall-timeout <seconds>`). */
  stallTimeoutMs: number;
  /** Items above this many bytes are refused as failed, named (`--max-item-size <kb>`). */
  maxItemBytes: number;
  json: boolean;
  /** `--events`: every run event as NDJSON to this absolute path, or to stdout (`-`). */
  events?: string | undefined;
  /** `--quiet`: only warnings, errors and the summary (no per-item lines, no progress). */
  quiet?: boolean;
  debug: boolean;
  /** Prices (US dollars per million tokens) by `provider:model`, for models lldflow has none for: the config file's `prices`. */
  prices?: Readonly<Record<string, { inputPerMillion: number; outputPerMillion: number }>>;
}

export const MAX_PARALLEL = 10;
/** The fleet-wide cap (`--engine`): the items run on many machines. */
export const MAX_FLEET_PARALLEL = 200;
export const BARE_PARALLEL = 3;
export const DEFAULT_TIMEOUT_MINUTES = 30;
export const DEFAULT_STALL_TIMEOUT_SECONDS = 180;
