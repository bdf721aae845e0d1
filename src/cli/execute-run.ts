import { existsSync, statSync } from 'node:fs';
import type { CheckpointStoreFactory } from '../checkpoints/store.js';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import { ensureLocalStateExcluded } from '../git/worktree.js';
import { isGitRepository } from '../git/git.js';
import { ConsoleReporter } from '../output/console-reporter.js';
import { renderDryRun } from '../output/dry-run-table.js';
import { LogFileReporter } from '../output/log-file-reporter.js';
import { ProgressReporter } from '../output/progress-reporter.js';
import { combineReporters } from '../output/reporters.js';
import { renderSummary } from '../output/summary-table.js';
import { TerminalWriter } from '../output/terminal-writer.js';
import { ConfigurationError } from '../core/errors.js';
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

/** Checks the target repository before anything runs (exit 2, nothing written, when it is unusable). */
export function requireRepositoryFolder(repo: string): void {
  if (!existsSync(repo) || !statSync(repo).isDirectory()) {
    throw new ConfigurationError(`--repo ${repo}: no such folder`);
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
    return 0;
  }

  // From the clock, and used by no earlier run of this repository.
  const runId = newRunId(options.repo, io.clock.now());
  // Local state stays out of git: excluded before anything is written under .lldflow/.
  if (await isGitRepository(options.repo)) await ensureLocalStateExcluded(options.repo);
  const color = !('NO_COLOR' in io.env);
  const reporter = combineReporters([
    new ConsoleReporter({ writer, debug: options.debug, color }),
    new LogFileReporter({ logsDir: logsDir(options.repo, runId) }),
    new ProgressReporter({ writer, now: () => io.clock.now() }),
  ]);
  let summary;
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
      },
      plan,
    );
  } finally {
    await reporter.close();
  }
  const summaryPath = await saveRunSummary(options.repo, summary);
  if (options.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  writer.writeLines([
    ...renderSummary(summary, { color: color && human.isTTY === true }).split('\n'),
    `summary: ${summaryPath}`,
    `logs: ${logsDir(options.repo, runId)}`,
  ]);
  writer.close();
  return exitCodeFor(summary, io.signal.aborted);
}
