import { existsSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointStoreFactory } from '../checkpoints/store.js';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import { FileItemLeases } from '../checkpoints/item-lease.js';
import { ensureLocalStateExcluded } from '../git/worktree.js';
import { isGitRepository, repositoryRoot } from '../git/git.js';
import { ConsoleReporter } from '../output/console-reporter.js';
import { renderDryRun } from '../output/dry-run-table.js';
import { LogFileReporter } from '../output/log-file-reporter.js';
import { ProgressReporter } from '../output/progress-reporter.js';
import { combineReporters } from '../output/reporters.js';
import { renderSummary } from '../output/summary-table.js';
import { TerminalWriter } from '../output/terminal-writer.js';
import { ConfigurationError, UsageError } from '../core/errors.js';
import type { Redact } from '../core/redact.js';
import type { RunnerOptions } from '../runner/run-options.js';
import { planRun, runWorkflow } from '../runner/run-workflow.js';
import { exitCodeFor } from '../runner/summary.js';
import type { Workflow } from '../runner/types.js';
import { lastRunStatuses, logsDir, newRunId, saveRunSummary } from '../runs/run-files.js';
import type { CliIo } from './cli-io.js';

export interface ExecuteRunInput {
  workflow: Workflow;
  options: RunnerOptions;
  warnings: string[];
  io: CliIo;
  /** The command line that retries the given ids (same options, `--issue` replaced). */
  retryCommand: (ids: string[]) => string;
  /** The run's one redactor (the model registry's): applied to everything shown or stored. */
  redact: Redact;
  /**
   * Whether text holds one of the run's configured keys (the registry's `redactor.holdsKnownSecret`):
   * a commit whose staged content does is refused. Default: never.
   */
  holdsSecret?: (text: string) => boolean;
  checkpoints?: CheckpointStoreFactory;
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
  if (!options.ids && !options.all && !options.retryFailed) {
    throw new ConfigurationError('nothing selected: pass --issue <id>[,<id>…], --all or --retry-failed');
  }
}

/**
 * Runs any workflow through the shared runner with the standard reporters: prefixed console lines,
 * per-item log files, live progress, the summary table (or JSON) and `.lldflow/runs/<run-id>.json`.
 */
export async function executeRun(input: ExecuteRunInput): Promise<number> {
  const { workflow, options, io } = input;
  const human = options.json ? io.stderr : io.stdout;
  const writer = new TerminalWriter(human);
  for (const warning of input.warnings) writer.writeLines([`warning: ${input.redact(warning)}`]);
  const checkpoints = input.checkpoints ?? new SqliteCheckpointStoreFactory(options.repo);
  const previous = await lastRunStatuses(options.repo, workflow.name);
  const selection = { explicitIds: options.ids, all: options.all, retryFailed: options.retryFailed };

  // Planning reads the items first: an unknown id or a missing token fails here, before anything is written.
  const plan = await planRun(selection, { workflow, checkpoints, signal: io.signal, lastRunStatuses: previous });
  if (options.dryRun) {
    if (options.json) io.stdout.write(`${JSON.stringify({ workflow: workflow.name, items: plan.planned }, null, 2)}\n`);
    else writer.writeLines(renderDryRun(plan.planned, workflow.name).split('\n'));
    // Invalid files and refused items would fail the real run: the plan says so in its exit code too.
    return plan.planned.some((entry) => entry.action.kind === 'refuse') ? 1 : 0;
  }

  // Local state stays out of git: excluded before anything is written under .lldflow/.
  if (await isGitRepository(options.repo)) await ensureLocalStateExcluded(options.repo);
  // From the clock, and used by no earlier run of this repository nor by one running beside this one.
  const runId = newRunId(options.repo, io.clock.now());
  const color = !('NO_COLOR' in io.env);
  const reporter = combineReporters([
    new ConsoleReporter({ writer, debug: options.debug, color }),
    new LogFileReporter({ logsDir: logsDir(options.repo, runId) }),
    new ProgressReporter({ writer, now: () => io.clock.now() }),
  ]);
  let summary;
  let reporterFailure: unknown;
  try {
    summary = await runWorkflow(
      { ...selection, parallel: options.parallel, timeoutMs: options.timeoutMs },
      {
        workflow,
        checkpoints,
        clock: io.clock,
        emit: (event) => reporter.onEvent(event),
        signal: io.signal,
        runId,
        lastRunStatuses: previous,
        retryCommand: input.retryCommand,
        redact: input.redact,
        holdsSecret: input.holdsSecret,
        // Another lldflow run on this repository may be working on the same items.
        leases: new FileItemLeases(options.repo, { runId }),
      },
      plan,
    );
  } finally {
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
    ...renderSummary(summary, { color: color && human.isTTY === true }).split('\n'),
    ...(saved.path === undefined ? [] : [`summary: ${saved.path}`]),
    `logs: ${logsDir(options.repo, runId)}`,
    ...(saved.path === undefined ? [`summary: not written: ${input.redact(errorMessage(saved.error))}`] : []),
  ]);
  writer.close();
  const code = exitCodeFor(summary, io.signal.aborted);
  return saved.path === undefined && code === 0 ? 1 : code;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
