import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { currentHead, isGitRepository, isWorkingTreeClean, resolveRef, runGit } from '../git/git.js';
import { pushBranch } from '../git/commit.js';
import { gitHubCollection } from '../items/collect-items.js';
import { createHttpStack } from '../providers/http-stack.js';
import { codingAgentProvider, createCodingAgent } from '../agents/create-agent.js';
import { ConfigurationError } from '../core/errors.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { resolveSandbox } from '../process/sandbox.js';
import type { ImplementState } from '../workflows/implement/implement-state.js';
import { ImplementWorkflow } from '../workflows/implement/implement-workflow.js';
import { detectTestCommand } from '../workflows/implement/test-command.js';
import type { CliIo } from './cli-io.js';
import { fleetFor } from './fleet-choice.js';
import { executeRun, requireRepositoryFolder, requireSelection } from './execute-run.js';
import { budgetWarnings, modelRegistryFor, requireModelSpec } from './model-options.js';
import { DEFAULT_MAX_ITERATIONS } from './requirements-command.js';
import { buildRetryCommand } from './retry-command.js';
import { resolveRunnerOptions, type RawRunnerOptions } from './runner-options.js';

export interface ImplementFlags extends RawRunnerOptions {
  implementer?: string | undefined;
  testCommand?: string | undefined;
  base?: string | undefined;
  push: boolean;
  pr: boolean;
  /** Commit the lineage on the implementation branch instead of writing it to the main repository. */
  commitLineage?: boolean | undefined;
  /** `--sandbox auto|bwrap|none` (default auto) and `--sandbox-network`. */
  sandbox?: string | undefined;
  sandboxNetwork?: boolean | undefined;
}

const TEST_RUN_TIMEOUT_MS = 10 * 60_000;

/**
 * `lldflow implement`: refuses to start (exit 2, nothing written) outside a git repository, on a dirty
 * working tree without --base, or without a test command; unapproved designs are refused by the workflow.
 */
export async function runImplementCommand(flags: ImplementFlags, io: CliIo): Promise<number> {
  const { options, warnings } = resolveRunnerOptions(flags, io.cwd);
  // Refused with --engine, a warning with LLDFLOW_ENGINE: implement items run here for now.
  fleetFor('implement', flags, io.env, warnings);
  await requireRepositoryFolder(options.repo);
  requireSelection(options);
  if (!(await isGitRepository(options.repo)))
    throw new ConfigurationError(`--repo ${options.repo} is not a git repository: implement works in git worktrees`);
  if (flags.base === undefined && !(await isWorkingTreeClean(options.repo))) {
    throw new ConfigurationError(
      `${options.repo} has uncommitted changes: commit or stash them, or pass --base <ref> to branch from a named commit`,
    );
  }
  const baseRef = flags.base === undefined ? await currentHead(options.repo) : await resolveRef(options.repo, flags.base);
  const testCommand = flags.testCommand ?? (await detectTestCommand(options.repo));
  if (!testCommand) throw new ConfigurationError('no test command: none detected (npm test, pytest, …); pass --test-command "<cmd>"');
  // Before any model call: no sandbox (and no --sandbox none) means nothing runs.
  const sandbox = resolveSandbox(flags.sandbox ?? 'auto', { env: io.env });
  if (sandbox.kind === 'none') warnings.push(sandbox.description);

  const registry = modelRegistryFor(options, io);
  const implementerSpec = requireModelSpec(flags.implementer, '--implementer', 'LLDFLOW_IMPLEMENTER', io.env);
  const implementer = codingAgentProvider(implementerSpec.spec)
    ? await createCodingAgent({
        ...implementerSpec,
        repo: options.repo,
        registry,
        env: io.env,
        clock: io.clock,
        sandbox: {
          sandbox,
          network: flags.sandboxNetwork ?? false,
          readable: [options.repo],
          hidden: [inRepository(options.repo, repositoryPaths.localState)],
        },
      })
    : registry.client(implementerSpec.spec, implementerSpec.origin);
  warnings.push(...budgetWarnings(options.budgetUsd, [implementer]));
  const publish = flags.push || flags.pr ? await publisher(options.repo, flags.pr, io) : undefined;
  const workflow = new ImplementWorkflow({
    repo: options.repo,
    implementer,
    limits: { maxIterations: options.maxIterations ?? DEFAULT_MAX_ITERATIONS, maxTestAttempts: 3, budgetUsd: options.budgetUsd },
    baseRef,
    testCommand,
    testTimeoutMs: Math.min(TEST_RUN_TIMEOUT_MS, options.timeoutMs),
    ...(publish ? { publish } : {}),
    commitLineage: flags.commitLineage ?? false,
    sandbox: { sandbox, network: flags.sandboxNetwork ?? false },
  });
  return executeRun({
    workflow,
    options,
    warnings,
    io,
    redact: registry.redactor.redact,
    holdsSecret: registry.redactor.holdsKnownSecret,
    retryCommand: (ids) =>
      buildRetryCommand(
        ['implement'],
        options,
        [
          ['--implementer', flags.implementer],
          ['--test-command', flags.testCommand],
          ['--base', flags.base],
          ['--push', flags.push],
          ['--pr', flags.pr],
          ['--commit-lineage', flags.commitLineage],
          ['--sandbox', flags.sandbox === 'auto' ? undefined : flags.sandbox],
          ['--sandbox-network', flags.sandboxNetwork],
        ],
        ids,
      ),
  });
}

/** Pushes each finished branch and, with --pr, opens a pull request into the branch the run started from. */
async function publisher(repo: string, openPullRequest: boolean, io: CliIo): Promise<(state: ImplementState) => Promise<void>> {
  const github = openPullRequest
    ? (await gitHubCollection({ repo, env: io.env, signal: io.signal, fetch: createHttpStack({ env: io.env }) })).source
    : undefined;
  const { stdout } = await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: repo });
  const base = stdout.trim();
  return async (state) => {
    const branch = state.worktree?.branch;
    if (!branch) return;
    await pushBranch({ repo, branch, signal: io.signal });
    if (!github) return;
    const report = state.report ? await readFile(join(state.worktree?.path ?? repo, state.report), 'utf8').catch(() => '') : '';
    await github.createPullRequest({ head: branch, base, title: `LLD-${state.lld?.id ?? ''}: ${state.lld?.title ?? ''}`, body: report });
  };
}
