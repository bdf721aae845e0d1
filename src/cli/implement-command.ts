import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { currentHead, isGitRepository, resolveRef, runGit, uncommittedPaths } from '../git/git.js';
import { pushBranch } from '../git/commit.js';
import { gitHubCollection } from '../items/collect-items.js';
import { createHttpStack } from '../providers/http-stack.js';
import { codingAgentProvider, createCodingAgent } from '../agents/create-agent.js';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { fetchBranchFromOrigin, isOnOrigin } from '../git/origin.js';
import { implementationBranch } from '../git/worktree.js';
import type { ImplementJobSettings } from './fleet-implement.js';
import { workerModel } from './fleet-lld.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { resolveSandbox, SANDBOX_MODES, type SandboxMode } from '../process/sandbox.js';
import type { ImplementState } from '../workflows/implement/implement-state.js';
import { ImplementWorkflow } from '../workflows/implement/implement-workflow.js';
import { detectTestCommand } from '../workflows/implement/test-command.js';
import type { CliIo } from './cli-io.js';
import { fleetFor } from './fleet-choice.js';
import { executeRun, requireRepositoryFolder, requireSelection, type ExecuteRunInput } from './execute-run.js';
import { budgetWarnings, modelRegistryFor, requireModelSpec } from './model-options.js';
import { KeyActivityRelay } from '../keys/key-activity.js';
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
  if (flags.source !== undefined) {
    throw new UsageError(
      `--source ${flags.source}: implement takes no item folder; it works on the approved designs in ${repositoryPaths.lldFolder}/ (--issue <id> picks them by id)`,
    );
  }
  const { options, warnings } = resolveRunnerOptions(flags, io.cwd);
  const engine = fleetFor(flags, io.env);
  await requireRepositoryFolder(options.repo);
  requireSelection(options);
  if (!(await isGitRepository(options.repo)))
    throw new ConfigurationError(`--repo ${options.repo} is not a git repository: implement works in git worktrees`);
  if (flags.base === undefined) {
    const uncommitted = await uncommittedPaths(options.repo);
    if (uncommitted.length > 0) throw dirtyTreeError(options.repo, uncommitted);
  }
  const baseRef = flags.base === undefined ? await currentHead(options.repo) : await resolveRef(options.repo, flags.base);
  if (engine && !(await isOnOrigin(options.repo, baseRef))) {
    throw new ConfigurationError(
      `${flags.base ?? 'HEAD'} (${baseRef.slice(0, 12)}) is not on origin as this repository last saw it: push it first, the fleet's workers branch from origin`,
    );
  }
  const testCommand = flags.testCommand ?? (await detectTestCommand(options.repo));
  if (!testCommand) throw new ConfigurationError('no test command: none detected (npm test, pytest, …); pass --test-command "<cmd>"');
  const sandboxMode = flags.sandbox ?? 'auto';
  // Before any model call: no sandbox (and no --sandbox none) means nothing runs. On a fleet each worker
  // finds its own, and an item on a worker without one fails there, naming it.
  if (engine) requireSandboxMode(sandboxMode);
  const sandbox = resolveSandbox(engine ? 'none' : sandboxMode, { env: io.env });
  if (sandbox.kind === 'none' && !engine) warnings.push(sandbox.description);

  const keyActivity = new KeyActivityRelay();
  const registry = modelRegistryFor(options, io, keyActivity);
  const implementerSpec = requireModelSpec(flags.implementer, '--implementer', 'LLDFLOW_IMPLEMENTER', io.env);
  const implementer = engine
    ? workerModel(implementerSpec.spec, implementerSpec.origin)
    : codingAgentProvider(implementerSpec.spec)
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
  warnings.push(...budgetWarnings(options.budgetUsd, [implementer], options.prices));
  const openPullRequest = flags.pr ? await pullRequestOpener(options.repo, io) : undefined;
  const limits = { maxIterations: options.maxIterations ?? DEFAULT_MAX_ITERATIONS, maxTestAttempts: 3, budgetUsd: options.budgetUsd };
  const testTimeoutMs = Math.min(TEST_RUN_TIMEOUT_MS, options.timeoutMs);
  const workflow = new ImplementWorkflow({
    repo: options.repo,
    implementer,
    limits,
    baseRef,
    testCommand,
    testTimeoutMs,
    // On a fleet the workers push, and the pull request is opened here once the branch is back.
    ...(!engine && (flags.push || openPullRequest) ? { publish: publisher(options.repo, openPullRequest, io) } : {}),
    commitLineage: flags.commitLineage ?? false,
    sandbox: { sandbox, network: flags.sandboxNetwork ?? false },
  });
  const run: ExecuteRunInput = {
    workflow,
    options,
    warnings,
    io,
    redact: registry.redactor.redact,
    keyActivity,
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
          ['--engine', flags.engine],
        ],
        ids,
      ),
  };
  if (!engine) return executeRun(run);
  const settings: ImplementJobSettings = {
    implementer: implementerSpec.spec,
    limits: { ...limits, budgetUsd: limits.budgetUsd ?? null },
    baseCommit: baseRef,
    testCommand,
    testTimeoutMs,
    sandbox: requireSandboxMode(sandboxMode),
    sandboxNetwork: flags.sandboxNetwork ?? false,
    commitLineage: flags.commitLineage ?? false,
    perKeyConcurrency: options.perKeyConcurrency,
    pacing: options.pacing,
    stallTimeoutMs: options.stallTimeoutMs,
    ...(options.prices ? { prices: { ...options.prices } } : {}),
  };
  const { submitToFleet } = await import('./fleet-submit.js');
  return submitToFleet({
    ...run,
    engine,
    settings,
    detach: flags.detach ?? false,
    jobItem: async (item) => ({ design: await workflow.readDesign(item) }),
    settle: async (item, outcome, _result, context) => {
      // The branch the worker pushed, here: to review, to merge, and for the next run to see the item done.
      const branch = implementationBranch(item.id);
      await fetchBranchFromOrigin(options.repo, branch, context.signal).catch((error: unknown) =>
        context.log(`the branch stays on origin: ${error instanceof Error ? error.message : String(error)}`),
      );
      if (outcome.status === 'succeeded' && openPullRequest) {
        const report = await runGit(['show', `origin/${branch}:${repositoryPaths.implementationReport(item.id)}`], {
          cwd: options.repo,
        }).then(
          ({ stdout }) => stdout,
          () => '',
        );
        await openPullRequest({ branch, title: `LLD-${item.id}: ${item.title}`, body: report });
      }
      return outcome;
    },
  });
}

/** Paths a refusal names before it says how many more there are. */
const SHOWN_PATHS = 3;

/**
 * Implement branches each item from a commit, so uncommitted work would be missing from it (or lost
 * under it): the error names what is uncommitted and, when it is the designs `requirements` wrote,
 * the commands that commit them.
 */
function dirtyTreeError(repo: string, paths: readonly string[]): ConfigurationError {
  const shown = paths.slice(0, SHOWN_PATHS).join(', ');
  const more = paths.length > SHOWN_PATHS ? ` and ${paths.length - SHOWN_PATHS} more` : '';
  const documents = `${repositoryPaths.documents}/`;
  const designsOnly = paths.every((path) => path.startsWith(documents));
  const fix = designsOnly
    ? `commit the designs first: git add ${repositoryPaths.documents} && git commit -m "Reviewed designs"`
    : 'commit or stash them';
  return new ConfigurationError(
    `${repo} has uncommitted changes (${shown}${more}): implement branches from a commit, so ${fix}; or pass --base <ref> to branch from a named commit`,
  );
}

/** `--sandbox` as a mode, checked where the submitter cannot check for the sandbox itself. */
function requireSandboxMode(mode: string): SandboxMode {
  const known = SANDBOX_MODES.find((candidate) => candidate === mode);
  if (!known) throw new UsageError(`--sandbox ${JSON.stringify(mode)}: expected one of ${SANDBOX_MODES.join(', ')}`);
  return known;
}

type PullRequestOpener = (request: { branch: string; title: string; body: string }) => Promise<void>;

/** `--pr`: opens a pull request into the branch the run started from (the repository's GitHub, checked before any item runs). */
async function pullRequestOpener(repo: string, io: CliIo): Promise<PullRequestOpener> {
  const github = (await gitHubCollection({ repo, env: io.env, signal: io.signal, fetch: createHttpStack({ env: io.env }) })).source;
  const { stdout } = await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: repo });
  const base = stdout.trim();
  return async ({ branch, title, body }) => {
    await github.createPullRequest({ head: branch, base, title, body });
  };
}

/** Pushes each finished branch and, with --pr, opens its pull request. */
function publisher(repo: string, openPullRequest: PullRequestOpener | undefined, io: CliIo): (state: ImplementState) => Promise<void> {
  return async (state) => {
    const branch = state.worktree?.branch;
    if (!branch) return;
    await pushBranch({ repo, branch, signal: io.signal });
    if (!openPullRequest) return;
    const report = state.report ? await readFile(join(state.worktree?.path ?? repo, state.report), 'utf8').catch(() => '') : '';
    await openPullRequest({ branch, title: `LLD-${state.lld?.id ?? ''}: ${state.lld?.title ?? ''}`, body: report });
  };
}
