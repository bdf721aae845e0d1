import { Command, CommanderError, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { lldflowPackage } from '../core/lldflow-package.js';
import type { CliIo } from './cli-io.js';
import { runDemoCommand } from './demo-command.js';
import { runImplementCommand } from './implement-command.js';
import { runRequirementsCommand } from './requirements-command.js';
import { addRunnerOptions } from './runner-options.js';
import { runStatusCommand } from './status-command.js';

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
  ).action(async (options) => {
    exitCode = await runRequirementsCommand(options, io);
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
  ).action(async (options) => {
    exitCode = await runImplementCommand(options, io);
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
    .action(async (options) => {
      // Loaded only for a worker: BullMQ and the Redis client are no cost of a local run.
      exitCode = await (await import('./worker-command.js')).runWorkerCommand(options, io);
    });

  program
    .command('status')
    .description('every known item, its stage and last result')
    .option('--repo <path>', 'target git repository (default: the current directory)')
    .option('--json', 'as JSON on stdout', false)
    .option('--engine <url>', "the fleet's queue instead: queued, running (on which worker) and finished items (env LLDFLOW_ENGINE)")
    .action(async (options) => {
      exitCode = await runStatusCommand(options, io);
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
