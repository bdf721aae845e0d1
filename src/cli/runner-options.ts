import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { InvalidArgumentError, Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { itemIdKey, validateItemId } from '../core/item-id.js';
import { DEFAULT_MAX_ITEM_KB } from '../items/source-item.js';
import type { ModelPrice } from '../providers/pricing.js';
import {
  BARE_PARALLEL,
  DEFAULT_STALL_TIMEOUT_SECONDS,
  DEFAULT_TIMEOUT_MINUTES,
  MAX_FLEET_PARALLEL,
  MAX_PARALLEL,
  type RunnerOptions,
} from '../runner/run-options.js';

/** What the commands' help says differently where the same option means something else to the workflow. */
const WORKFLOW_HELP = {
  requirements: {
    source: 'local item folder (one <id>.md per item) instead of GitHub',
    maxIterations: 'review rounds per item before it ends as blocked (default 5)',
  },
  implement: {
    // implement reads the approved designs: --source is refused (see implement-command.ts) and not shown.
    source: 'not for implement: it reads the approved designs in docs/lld/active/',
    maxIterations: 'code iterations per item (test runs whose failures go back to the implementer) before it ends as blocked (default 5)',
  },
} as const;

/**
 * The runner options of DESIGN.md, defined once and added to every workflow command, so
 * `requirements` and `implement` cannot drift apart; only the help of an option that means something
 * else to `workflow` differs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors commander's own constraint on Args
export function addRunnerOptions<Args extends any[], Options extends OptionValues, Globals extends OptionValues>(
  command: Command<Args, Options, Globals>,
  workflow: keyof typeof WORKFLOW_HELP = 'requirements',
) {
  const help = WORKFLOW_HELP[workflow];
  return command
    .option('--repo <path>', 'target git repository (default: the current directory)')
    .addOption(
      new Option('--issue <ids>', 'run exactly these items (comma list; repeatable)').argParser(collectIds).default([] as string[], 'none'),
    )
    .option('--all', 'every pending item: completed ones are skipped, interrupted ones resume', false)
    .addOption(new Option('--source <dir>', help.source).hideHelp(workflow === 'implement'))
    .addOption(
      new Option('--parallel [n]', `items at once: bare flag = ${BARE_PARALLEL}, absent/0/1 = sequential, capped at ${MAX_PARALLEL}`)
        .preset(String(BARE_PARALLEL))
        .argParser(parseParallelValue),
    )
    .option('--dry-run', 'show what would run (start / resume / skip) and its projected cost; no model call, nothing written', false)
    .option('--retry-failed', 'only the items whose last run failed, was interrupted or was cancelled', false)
    .option('--retry-blocked', 'only the items whose last run ended blocked (with --retry-failed: either)', false)
    .option(
      '--continue',
      'a blocked item resumes with its history and --max-iterations (default 5) more rounds, instead of starting over',
      false,
    )
    .option('--restart', 'the selected items start afresh (checkpoint discarded, new lineage folder) instead of resuming', false)
    .addOption(
      new Option('--timeout <minutes>', 'wall clock per item').argParser(positiveNumber('--timeout')).default(DEFAULT_TIMEOUT_MINUTES),
    )
    .addOption(new Option('--max-iterations <n>', help.maxIterations).argParser(positiveInteger('--max-iterations')))
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
    .option('--config <file>', 'settings file (default: lldflow.config.json or .yaml at the repository root)')
    .option('--env-file <file>', 'variables to load before anything reads them (NAME=value lines; the environment wins)')
    .option('--json', 'print the run summary as JSON on stdout (human output goes to stderr)', false)
    .option('--events <file|->', 'every run event as NDJSON (one JSON object a line) to <file>, or to stdout with -')
    .option('--quiet', 'only warnings, errors and the summary: no per-item lines, no progress', false)
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
  retryBlocked?: boolean | undefined;
  /** `--continue`. */
  continue?: boolean | undefined;
  restart?: boolean | undefined;
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
  /** `--events <file|->`. */
  events?: string | undefined;
  /** `--quiet`. */
  quiet?: boolean | undefined;
  debug: boolean;
  /** From the config file: prices of models lldflow has none for. */
  prices?: Record<string, ModelPrice> | undefined;
}

export interface ParsedRunnerOptions {
  options: RunnerOptions;
  warnings: string[];
}

export function resolveRunnerOptions(raw: RawRunnerOptions, cwd: string): ParsedRunnerOptions {
  const warnings: string[] = [];
  const events = raw.events === undefined || raw.events === '-' ? raw.events : resolve(cwd, raw.events);
  requireEventsTarget(events, raw.json);
  let parallel = raw.parallel === undefined || raw.parallel === 0 ? 1 : raw.parallel;
  // On a fleet, --parallel is the fleet-wide cap: many machines carry it.
  const cap = raw.engine === undefined ? MAX_PARALLEL : MAX_FLEET_PARALLEL;
  if (parallel > cap) {
    warnings.push(`--parallel ${parallel} is above the cap; running ${cap} items at once`);
    parallel = cap;
  }
  if (raw.continue && raw.restart) {
    throw new UsageError('--continue takes blocked items up where they stopped, --restart starts items afresh: pass one of them');
  }
  return {
    options: {
      repo: resolve(cwd, raw.repo ?? '.'),
      ids: raw.issue.length > 0 ? [...new Set(raw.issue)] : undefined,
      all: raw.all,
      retryFailed: raw.retryFailed,
      retryBlocked: raw.retryBlocked ?? false,
      continueBlocked: raw.continue ?? false,
      restart: raw.restart ?? false,
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
      events,
      quiet: raw.quiet ?? false,
      debug: raw.debug,
      ...(raw.prices ? { prices: raw.prices } : {}),
    },
    warnings,
  };
}

/** `--events`: `-` cannot share stdout with `--json`, and a file's folder must exist before anything runs. */
function requireEventsTarget(target: string | undefined, json: boolean): void {
  if (target === undefined) return;
  if (target === '-') {
    if (json) throw new UsageError('--events - and --json both write to stdout: pass --events <file>, or leave out one of them');
    return;
  }
  const folder = dirname(target);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`--events ${target}: no such folder ${folder}`);
  if (existsSync(target) && statSync(target).isDirectory()) throw new UsageError(`--events ${target} is a folder: name a file`);
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
