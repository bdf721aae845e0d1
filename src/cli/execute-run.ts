import { existsSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointStoreFactory } from '../checkpoints/store.js';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import { FileItemLeases } from '../checkpoints/item-lease.js';
import { ensureLocalStateExcluded } from '../git/worktree.js';
import { isGitRepository, repositoryRoot } from '../git/git.js';
import { colorEnabled } from '../output/color-choice.js';
import { ConsoleReporter } from '../output/console-reporter.js';
import { atomicFileSink, EventsReporter, fileSink, streamSink, type EventLineSink } from '../output/events-reporter.js';
import { renderDryRun } from '../output/dry-run-table.js';
import { GitHubActionsReporter } from '../output/github-actions-reporter.js';
import { LogFileReporter } from '../output/log-file-reporter.js';
import { ProgressReporter } from '../output/progress-reporter.js';
import { combineReporters } from '../output/reporters.js';
import { renderSummary } from '../output/summary-table.js';
import { TerminalWriter } from '../output/terminal-writer.js';
import { ConfigurationError, UsageError } from '../core/errors.js';
import type { Redact } from '../core/redact.js';
import type { KeyActivityRelay } from '../keys/key-activity.js';
import { redactingEmitter } from '../runner/redacting-events.js';
import type { RunnerOptions } from '../runner/run-options.js';
import { planRun, runWorkflow, type RunSettings } from '../runner/run-workflow.js';
import { exitCodeFor } from '../runner/summary.js';
import type { Workflow } from '../runner/types.js';
import { lastRunStatuses, logsDir, newRunId, runEventsPath, saveRunSummary } from '../runs/run-files.js';
import type { CliIo } from './cli-io.js';
import { blockedCommandsFor, type CommandSelection } from './retry-command.js';
import { projectedPlanJson, projectPlan } from './dry-run-projection.js';

export interface ExecuteRunInput {
  workflow: Workflow;
  options: RunnerOptions;
  warnings: string[];
  io: CliIo;
  /** The command line that retries the given ids (same options, `--issue` replaced). */
  retryCommand: (selection: CommandSelection) => string;
  /** The run's one redactor (the model registry's): applied to everything shown or stored. */
  redact: Redact;
  /**
   * Whether text holds one of the run's configured keys (the registry's `redactor.holdsKnownSecret`):
   * a commit whose staged content does is refused. Default: never.
   */
  holdsSecret?: (text: string) => boolean;
  checkpoints?: CheckpointStoreFactory;
  /** What the model registry's key pools report (leases, 429s, rests): joined to the run's events while it runs. */
  keyActivity?: KeyActivityRelay;
  /** See RunSettings.atOnce: a fleet's submitter follows every item at once. */
  atOnce?: RunSettings['atOnce'];
}

/**
 * Checks the target repository before anything runs (exit 2, nothing written, when it is unusable): a
 * folder and, when it lies in a git working tree, that tree's top level — from a subfolder, lldflow's
 * outputs and state would land below the top while git reads paths against it.
 */
export async function requireRepositoryFolder(repo: string): Promise<void> {
  if (!existsSync(repo) || !statSync(repo).isDirectory()) {
    throw new ConfigurationError(`--repo ${repo}: no such folder`);
  }
  // A top level holds `.git` (a folder, or a file in linked worktrees and submodules); only otherwise ask git.
  if (existsSync(join(repo, '.git')) || !(await isGitRepository(repo))) return;
  const top = await repositoryRoot(repo);
  if (realpathSync(top) !== realpathSync(repo)) {
    throw new UsageError(`--repo ${repo} is a subfolder of the git repository ${top}: pass its top level, --repo ${top}`);
  }
}

export function requireSelection(options: RunnerOptions): void {
  if (!options.ids && !options.all && !options.retryFailed && !options.retryBlocked) {
    throw new ConfigurationError('nothing selected: pass --issue <id>[,<id>…], --all, --retry-failed or --retry-blocked');
  }
}

/**
 * Runs any workflow through the shared runner with the standard reporters: prefixed console lines,
 * per-item log files, live progress, the summary table (or JSON) and `.lldflow/runs/<run-id>.json`.
 */
export async function executeRun(input: ExecuteRunInput): Promise<number> {
  const { workflow, options, io } = input;
  const human = options.json || options.events === '-' ? io.stderr : io.stdout;
  const writer = new TerminalWriter(human);
  for (const warning of input.warnings) writer.writeLines([`warning: ${input.redact(warning)}`]);
  const checkpoints = input.checkpoints ?? new SqliteCheckpointStoreFactory(options.repo);
  const previous = await lastRunStatuses(options.repo, workflow.name);
  const selection = {
    explicitIds: options.ids,
    all: options.all,
    retryFailed: options.retryFailed,
    retryBlocked: options.retryBlocked ?? false,
    continueBlocked: options.continueBlocked ?? false,
    restart: options.restart ?? false,
  };

  // Planning reads the items first: an unknown id or a missing token fails here, before anything is written.
  const plan = await planRun(selection, { workflow, checkpoints, signal: io.signal, lastRunStatuses: previous });
  if (options.dryRun) {
    const projections = await projectPlan(workflow, plan, options.prices, input.redact);
    if (options.json) io.stdout.write(`${JSON.stringify(projectedPlanJson(workflow.name, plan, projections), null, 2)}\n`);
    else {
      const width = writer.isTTY ? writer.columns - 1 : undefined;
      writer.writeLines(renderDryRun(plan.planned, workflow.name, { width, projections }).split('\n'));
    }
    // Invalid files and refused items would fail the real run: the plan says so in its exit code too.
    return plan.planned.some((entry) => entry.action.kind === 'refuse') ? 1 : 0;
  }

  // Local state stays out of git: excluded before anything is written under .lldflow/.
  if (await isGitRepository(options.repo)) await ensureLocalStateExcluded(options.repo);
  // From the clock, and used by no earlier run of this repository nor by one running beside this one.
  const runId = newRunId(options.repo, io.clock.now());
  const color = colorEnabled(io.env, human);
  const quiet = options.quiet === true;
  // Said before the first item starts, on stderr (stdout may be a pipe): where `lldflow logs <id> -f` reads.
  if (!quiet) {
    const logsLine = `logs: ${logsDir(options.repo, runId)}`;
    if (human === io.stderr) writer.writeLines([logsLine]);
    else io.stderr.write(`${logsLine}\n`);
  }
  const reporter = combineReporters([
    new ConsoleReporter({ writer, debug: options.debug, color, quiet }),
    new LogFileReporter({ logsDir: logsDir(options.repo, runId) }),
    ...(quiet ? [] : [new ProgressReporter({ writer, now: () => io.clock.now() })]),
    ...(io.env.GITHUB_ACTIONS === 'true'
      ? [new GitHubActionsReporter({ writer, stepSummaryFile: io.env.GITHUB_STEP_SUMMARY?.trim() || undefined })]
      : []),
    // Always, so `lldflow report` can draw any past run.
    new EventsReporter(atomicFileSink(runEventsPath(options.repo, runId))),
    ...(options.events === undefined ? [] : [new EventsReporter(eventsSink(options.events, io))]),
  ]);
  // Key activity happens inside model calls, outside the runner's emitter: redacted here the same way.
  const emitKeyEvent = redactingEmitter((event) => reporter.onEvent(event), input.redact);
  const stopKeyActivity = input.keyActivity?.listen((activity) => emitKeyEvent({ type: 'key-event', ...activity }));
  let summary;
  let reporterFailure: unknown;
  try {
    summary = await runWorkflow(
      { ...selection, parallel: options.parallel, timeoutMs: options.timeoutMs, ...(input.atOnce ? { atOnce: input.atOnce } : {}) },
      {
        workflow,
        checkpoints,
        clock: io.clock,
        emit: (event) => reporter.onEvent(event),
        signal: io.signal,
        runId,
        lastRunStatuses: previous,
        retryCommand: input.retryCommand,
        blockedCommands: blockedCommandsFor(input.retryCommand, workflow.name, options.repo),
        redact: input.redact,
        holdsSecret: input.holdsSecret,
        // Another lldflow run on this repository may be working on the same items.
        leases: new FileItemLeases(options.repo, { runId }),
      },
      plan,
    );
  } finally {
    stopKeyActivity?.();
    // Item logs a full disk cut short cost a warning, never the run summary.
    reporterFailure = await reporter.close().then(
      () => undefined,
      (error: unknown) => error,
    );
  }
  if (reporterFailure !== undefined) writer.writeLines([`warning: ${input.redact(errorMessage(reporterFailure))}`]);
  // Written when it can be; when it cannot (a full disk, an unwritable folder), the last line says so and the exit code is not 0.
  const saved = await saveRunSummary(options.repo, summary).then(
    (path) => ({ path, error: undefined }),
    (error: unknown) => ({ path: undefined, error }),
  );
  if (options.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  writer.writeLines([
    ...renderSummary(summary, { color }).split('\n'),
    ...(saved.path === undefined ? [] : [`summary: ${saved.path}`]),
    `logs: ${logsDir(options.repo, runId)}`,
    ...(saved.path === undefined ? [`summary: not written: ${input.redact(errorMessage(saved.error))}`] : []),
  ]);
  writer.close();
  const code = exitCodeFor(summary, io.signal.aborted);
  return saved.path === undefined && code === 0 ? 1 : code;
}

function eventsSink(target: string, io: CliIo): EventLineSink {
  return target === '-' ? streamSink(io.stdout) : fileSink(target);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
