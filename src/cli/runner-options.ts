import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { itemIdKey, validateItemId } from '../core/item-id.js';
import { DEFAULT_MAX_ITEM_KB } from '../items/source-item.js';
import {
  BARE_PARALLEL,
  DEFAULT_STALL_TIMEOUT_SECONDS,
  DEFAULT_TIMEOUT_MINUTES,
  MAX_FLEET_PARALLEL,
  MAX_PARALLEL,
  type RunnerOptions,
} from '../runner/run-options.js';

/**
 * The runner options of DESIGN.md, defined once and added to every workflow command, so
 * `requirements` and `implement` cannot drift apart.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors commander's own constraint on Args
export function addRunnerOptions<Args extends any[], Options extends OptionValues, Globals extends OptionValues>(
  command: Command<Args, Options, Globals>,
) {
  return command
    .option('--repo <path>', 'target git repository (default: the current directory)')
    .addOption(
      new Option('--issue <ids>', 'run exactly these items (comma list; repeatable)').argParser(collectIds).default([] as string[], 'none'),
    )
    .option('--all', 'every pending item: completed ones are skipped, interrupted ones resume', false)
    .option('--source <dir>', 'local item folder (one <id>.md per item) instead of GitHub')
    .addOption(
      new Option('--parallel [n]', `items at once: bare flag = ${BARE_PARALLEL}, absent/0/1 = sequential, capped at ${MAX_PARALLEL}`)
        .preset(String(BARE_PARALLEL))
        .argParser(parseParallelValue),
    )
    .option('--dry-run', 'show what would run (start / resume / skip); no model call, nothing written', false)
    .option('--retry-failed', 'only the items whose last run failed or was interrupted', false)
    .addOption(
      new Option('--timeout <minutes>', 'wall clock per item').argParser(positiveNumber('--timeout')).default(DEFAULT_TIMEOUT_MINUTES),
    )
    .addOption(
      new Option('--max-iterations <n>', 'review rounds per item before it ends as blocked').argParser(positiveInteger('--max-iterations')),
    )
    .addOption(new Option('--budget <usd>', 'cost cap per item, in US dollars').argParser(positiveNumber('--budget')))
    .addOption(
      new Option('--per-key-concurrency <n>', 'model calls one API key may carry at once')
        .argParser(positiveInteger('--per-key-concurrency'))
        .default(1),
    )
    .option('--no-pacing', 'do not hold keys back before their announced rate limits run out (for comparison)')
    .addOption(
      new Option('--stall-timeout <seconds>', 'a streamed answer that sends nothing for this long is cut and retried')
        .argParser(positiveNumber('--stall-timeout'))
        .default(DEFAULT_STALL_TIMEOUT_SECONDS),
    )
    .addOption(
      new Option('--max-item-size <kb>', 'items above this size, in KB, fail without a model call')
        .argParser(positiveNumber('--max-item-size'))
        .default(DEFAULT_MAX_ITEM_KB),
    )
    .option('--engine <url>', 'run on a fleet of `lldflow worker`s sharing this Redis: redis://host:port[/db] (env LLDFLOW_ENGINE)')
    .option('--detach', 'with --engine: enqueue the items and return (follow them with lldflow status --engine)', false)
    .option('--json', 'print the run summary as JSON on stdout (human output goes to stderr)', false)
    .option('--debug', 'verbose logging', false);
}

/** What commander hands back for the runner options. */
export interface RawRunnerOptions {
  repo?: string | undefined;
  issue: string[];
  all: boolean;
  source?: string | undefined;
  parallel?: number | undefined;
  dryRun: boolean;
  retryFailed: boolean;
  timeout: number;
  maxIterations?: number | undefined;
  budget?: number | undefined;
  perKeyConcurrency: number;
  pacing: boolean;
  stallTimeout: number;
  maxItemSize: number;
  engine?: string | undefined;
  detach?: boolean | undefined;
  json: boolean;
  debug: boolean;
}

export interface ParsedRunnerOptions {
  options: RunnerOptions;
  warnings: string[];
}

export function resolveRunnerOptions(raw: RawRunnerOptions, cwd: string): ParsedRunnerOptions {
  const warnings: string[] = [];
  let parallel = raw.parallel === undefined || raw.parallel === 0 ? 1 : raw.parallel;
  // On a fleet, --parallel is the fleet-wide cap: many machines carry it.
  const cap = raw.engine === undefined ? MAX_PARALLEL : MAX_FLEET_PARALLEL;
  if (parallel > cap) {
    warnings.push(`--parallel ${parallel} is above the cap; running ${cap} items at once`);
    parallel = cap;
  }
  return {
    options: {
      repo: resolve(cwd, raw.repo ?? '.'),
      ids: raw.issue.length > 0 ? [...new Set(raw.issue)] : undefined,
      all: raw.all,
      retryFailed: raw.retryFailed,
      source: raw.source === undefined ? undefined : resolve(cwd, raw.source),
      parallel,
      dryRun: raw.dryRun,
      timeoutMs: Math.round(raw.timeout * 60_000),
      maxIterations: raw.maxIterations,
      budgetUsd: raw.budget,
      perKeyConcurrency: raw.perKeyConcurrency,
      pacing: raw.pacing,
      stallTimeoutMs: Math.round(raw.stallTimeout * 1000),
      maxItemBytes: Math.floor(raw.maxItemSize * 1024),
      json: raw.json,
      debug: raw.debug,
    },
    warnings,
  };
}

export function parseParallelValue(value: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new InvalidArgumentError(`--parallel takes a whole number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return Number(value.trim());
}

/** Every id is valid, and no two name one item (`7` and `007`, `Login` and `login`): else a usage error naming them. */
function collectIds(value: string, previous: string[]): string[] {
  const ids = value.split(',').map((part) => part.trim());
  for (const id of ids) {
    try {
      validateItemId(id);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  }
  const all = [...previous, ...ids];
  for (const [index, id] of all.entries()) {
    const other = all.slice(0, index).find((earlier) => earlier !== id && itemIdKey(earlier) === itemIdKey(id));
    if (other !== undefined) {
      throw new InvalidArgumentError(
        `item ids ${JSON.stringify(other)} and ${JSON.stringify(id)} name one item (numeric ids are equal whatever their leading zeros, and letter case does not count): pass one`,
      );
    }
  }
  return all;
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
      throw new InvalidArgumentError(`${flag} takes a number > 0, got ${JSON.stringify(value)}`);
    }
    return number;
  };
}

function positiveInteger(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
      throw new InvalidArgumentError(`${flag} takes a whole number ≥ 1, got ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
}
