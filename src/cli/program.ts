import { Command, CommanderError, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { lldflowPackage } from '../core/lldflow-package.js';
import { runApproveCommand } from './approve-command.js';
import type { CliIo } from './cli-io.js';
import { runDemoCommand } from './demo-command.js';
import { runImplementCommand } from './implement-command.js';
import { runRequirementsCommand } from './requirements-command.js';
import { runReportCommand } from './report-command.js';
import { addRunnerOptions } from './runner-options.js';
import { withConfig, withEnvFile } from './apply-config.js';
import { runStatusCommand } from './status-command.js';
import { runCleanCommand } from './clean-command.js';
import { runLogsCommand } from './logs-command.js';
import { STATUS_RESULTS, WORKFLOW_ORDER } from '../status/status-row.js';

/** Parses argv and runs the command; returns the exit code. Never exits the process itself. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('lldflow')
    .description('Run governed model workflows (issue → reviewed LLD → test-first code) over many items in parallel.')
    .version(lldflowPackage().version)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });

  addRunnerOptions(
    program
      .command('requirements')
      .description('issue → reviewed LLD (--type lld), or idea brief → reviewed issue (--type issue)')
      .addOption(new Option('--type <type>', 'what to produce').choices(['lld', 'issue'] as const).default('lld' as const))
      .option('--drafter <provider:model>', 'model that drafts and revises (env LLDFLOW_DRAFTER)')
      .option('--reviewer <provider:model>', 'model that reviews (env LLDFLOW_REVIEWER)')
      .option('--template <file>', 'markdown template to draft from instead of the built-in one')
      .option('--issues-dir <dir>', '--type issue: write issues as <dir>/<slug>.md instead of filing them on GitHub'),
  ).action(async (options, command) => {
    const settled = await withConfig(command, options, io);
    exitCode = await runRequirementsCommand(settled.flags, settled.io);
  });

  addRunnerOptions(
    program
      .command('implement')
      .description('approved LLD → tests first, then code, in its own git worktree and branch')
      .option('--implementer <provider:model>', 'model that writes tests and code (env LLDFLOW_IMPLEMENTER)')
      .option('--test-command <command>', 'how to run the project tests (default: detected)')
      .option('--base <ref>', 'create branches from this ref instead of HEAD (allows a dirty working tree)')
      .option('--push', 'push each finished branch to origin', false)
      .option('--pr', 'open a pull request for each finished branch (implies --push)', false)
      .option('--commit-lineage', 'commit the lineage (prompts, answers, test output) on the implementation branch', false)
      .option('--sandbox <mode>', 'where model-written code runs: auto (bubblewrap, or refuse), bwrap, none (unconfined)', 'auto')
      .option('--sandbox-network', 'let sandboxed test runs reach the network', false),
    'implement',
  ).action(async (options, command) => {
    const settled = await withConfig(command, options, io);
    exitCode = await runImplementCommand(settled.flags, settled.io);
  });

  program
    .command('worker')
    .description('join a fleet: run the items submitted with --engine, until Ctrl+C or SIGTERM')
    .option('--engine <url>', "the fleet's Redis: redis://host:port[/db] (env LLDFLOW_ENGINE)")
    .addOption(new Option('--parallel <n>', 'items this machine runs at once (default 3)').argParser(parseWorkerParallel))
    .option(
      '--repo <clone>',
      "a clone of a repository (same origin): also run that repository's implement items, pushing each item's branch to origin",
    )
    .addOption(
      new Option('--lock-duration <seconds>', "how long a dead worker's items wait before another worker takes them over")
        .argParser(parseSeconds)
        .default(30),
    )
    .option('--env-file <file>', 'variables to load (NAME=value lines; the environment wins)')
    .action(async (options) => {
      // Loaded only for a worker: BullMQ and the Redis client are no cost of a local run.
      exitCode = await (await import('./worker-command.js')).runWorkerCommand(options, await withEnvFile(io, options.envFile));
    });

  program
    .command('status')
    .description('every known item: the stage where it ended, its last result, cost and output')
    .option('--repo <path>', 'target git repository (default: the current directory)')
    .option('--json', 'as JSON on stdout', false)
    .addOption(new Option('--workflow <workflow>', 'only the items of one workflow').choices(WORKFLOW_ORDER))
    .addOption(new Option('--status <result>', 'only the items whose last result is this one').choices(STATUS_RESULTS))
    .option('--engine <url>', "the fleet's queue instead: queued, running (on which worker) and finished items (env LLDFLOW_ENGINE)")
    .action(async (options) => {
      exitCode = await runStatusCommand(options, io);
    });

  program
    .command('approve')
    .description(
      'approve a blocked (or draft) design by hand: its status line, review log and lineage name you (the git user) and the date',
    )
    .argument('<id>', 'the item whose docs/lld/active/LLD-<id>.md to approve')
    .option('--reason <text>', 'why, recorded in the design and its lineage')
    .option('--repo <path>', 'target git repository (default: the current directory)')
    .action(async (id, options) => {
      exitCode = await runApproveCommand(id, options, io);
    });

  program
    .command('logs')
    .description("one item's log from the latest run that has one; -f follows it until that run ends")
    .argument('<id>', 'the item')
    .option('-f, --follow', 'keep printing what the item writes, until its run ends (or Ctrl+C)', false)
    .option('--repo <path>', 'target git repository (default: the current directory)')
    .addOption(
      new Option('--workflow <workflow>', 'from the latest run of this workflow (one id may be two items)').choices(WORKFLOW_ORDER),
    )
    .action(async (id, options) => {
      exitCode = await runLogsCommand(id, options, io);
    });

  program
    .command('clean')
    .description("removes lldflow's stale local state; with --worktrees also the worktrees of finished implementations")
    .option('--worktrees', 'also remove the worktrees of finished implement items (their branches stay)', false)
    .option('--dry-run', 'list what would be removed, remove nothing', false)
    .option('--repo <path>', 'target git repository (default: the current directory)')
    .action(async (options) => {
      exitCode = await runCleanCommand(options, io);
    });

  program
    .command('report')
    .description('one run as a self-contained HTML file: a timeline of its items and keys, and the summary with costs')
    .argument('[run-id]', 'a run id (see .lldflow/runs/), or latest', 'latest')
    .option('--repo <path>', 'target git repository (default: the current directory)')
    .action(async (runId, options) => {
      exitCode = await runReportCommand(runId, options, io);
    });

  program
    .command('demo')
    .description('offline end-to-end demo on a built-in example repository, in a temporary folder')
    .action(async () => {
      exitCode = await runDemoCommand(io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    // Commander has already printed the message; usage errors are exit 2 per DESIGN.md.
    return 2;
  }
  if (error instanceof UsageError || error instanceof ConfigurationError) {
    io.stderr.write(`lldflow: ${error.message}\n`);
    return 2;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`lldflow: unexpected error: ${message}\n`);
  return 1;
}

function parseWorkerParallel(value: string): number {
  if (!/^[1-9]\d*$/.test(value.trim())) throw new InvalidArgumentError(`--parallel takes a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return Number(value.trim());
}

function parseSeconds(value: string): number {
  const seconds = Number(value.trim());
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError(`takes a number of seconds > 0, got ${JSON.stringify(value)}`);
  return seconds;
}
