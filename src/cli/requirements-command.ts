import { isAbsolute, relative, resolve } from 'node:path';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { folderCollection, gitHubCollection, type ItemCollection } from '../items/collect-items.js';
import { createHttpStack } from '../providers/http-stack.js';
import { layoutForModels, repositoryFiles } from '../repository/layout.js';
import type { Workflow } from '../runner/types.js';
import { createIssueWorkflow, type IssueWorkflow } from '../workflows/issue/issue-workflow.js';
import { lldDocumentKind } from '../workflows/lld/lld-document-kind.js';
import { LldWorkflow } from '../workflows/lld/lld-workflow.js';
import { loadTemplate } from '../workflows/lld/template.js';
import type { CliIo } from './cli-io.js';
import { settleIssueJob, type IssueJobSettings } from './fleet-issue.js';
import { workerModel, type LldJobSettings } from './fleet-lld.js';
import { fleetFor } from './fleet-choice.js';
import { executeRun, type ExecuteRunInput, requireRepositoryFolder, requireSelection } from './execute-run.js';
import { requireKeysFor } from '../providers/missing-keys.js';
import { budgetWarnings, modelRegistryFor, requireModelSpecs } from './model-options.js';
import { KeyActivityRelay } from '../keys/key-activity.js';
import { buildRetryCommand } from './retry-command.js';
import { resolveRunnerOptions, type RawRunnerOptions } from './runner-options.js';

export interface RequirementsFlags extends RawRunnerOptions {
  type: 'lld' | 'issue';
  drafter?: string | undefined;
  reviewer?: string | undefined;
  template?: string | undefined;
  issuesDir?: string | undefined;
}

export const DEFAULT_MAX_ITERATIONS = 5;

/** `lldflow requirements`: validates everything first (exit 2, nothing written), then runs. */
export async function runRequirementsCommand(flags: RequirementsFlags, io: CliIo): Promise<number> {
  const { options, warnings } = resolveRunnerOptions(flags, io.cwd);
  await requireRepositoryFolder(options.repo);
  requireSelection(options);
  const keyActivity = new KeyActivityRelay();
  const registry = modelRegistryFor(options, io, keyActivity);
  const { drafter: drafterSpec, reviewer: reviewerSpec } = requireModelSpecs(
    { drafter: [flags.drafter, '--drafter', 'LLDFLOW_DRAFTER'], reviewer: [flags.reviewer, '--reviewer', 'LLDFLOW_REVIEWER'] },
    io.env,
  );
  const engine = fleetFor(flags, io.env);
  // Every missing key in one error, before the first client names only its own; on a fleet the workers bring the keys.
  if (!engine) requireKeysFor([drafterSpec, reviewerSpec], io.env);
  // On a fleet the workers call the models, with their own keys.
  const drafter = engine ? workerModel(drafterSpec.spec, drafterSpec.origin) : registry.client(drafterSpec.spec, drafterSpec.origin);
  const reviewer = engine ? workerModel(reviewerSpec.spec, reviewerSpec.origin) : registry.client(reviewerSpec.spec, reviewerSpec.origin);
  warnings.push(...budgetWarnings(options.budgetUsd, [drafter, reviewer], options.prices));
  const limits = { maxIterations: options.maxIterations ?? DEFAULT_MAX_ITERATIONS, budgetUsd: options.budgetUsd, maxValidationFailures: 3 };
  // Like --source and --repo: against the working directory, or absolute as given.
  const templatePath = flags.template === undefined ? undefined : resolve(io.cwd, flags.template);
  const issuesDir = flags.issuesDir === undefined ? undefined : resolve(io.cwd, flags.issuesDir);
  const template = await loadTemplate(flags.type, templatePath);
  const itemFolder = options.source ?? (flags.type === 'issue' ? inRepository(options.repo, repositoryPaths.ideasFolder) : undefined);
  // Read while the items are planned: the first prompt needs it.
  const files = repositoryFiles(options.repo);
  const layout = files.then((all) => layoutForModels(all, { exclude: insideRepository(options.repo, itemFolder) }));
  files.catch(() => undefined);
  layout.catch(() => undefined);
  const layoutOnce = (): Promise<string[]> => layout;

  let workflow: Workflow;
  // Kept as what it is: on a fleet, the submitter files what the workers approved.
  let issueWorkflow: IssueWorkflow | undefined;
  if (flags.type === 'issue') {
    const briefs = itemFolder ?? inRepository(options.repo, repositoryPaths.ideasFolder);
    workflow = issueWorkflow = await createIssueWorkflow({
      repo: options.repo,
      briefsDir: briefs,
      issuesDir,
      maxItemBytes: options.maxItemBytes,
      env: io.env,
      signal: io.signal,
      template,
      repositoryLayout: layoutOnce,
      drafter,
      reviewer,
      limits,
    });
  } else {
    const items: ItemCollection = options.source
      ? folderCollection(options.source, { maxItemBytes: options.maxItemBytes })
      : await gitHubCollection({
          repo: options.repo,
          env: io.env,
          signal: io.signal,
          fetch: createHttpStack({ env: io.env }),
          maxItemBytes: options.maxItemBytes,
        });
    const kind = lldDocumentKind({ repo: options.repo, template, repositoryLayout: layoutOnce, repositoryFiles: () => files });
    workflow = new LldWorkflow({ repo: options.repo, items, kind, drafter, reviewer, limits });
  }

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
        ['requirements', '--type', flags.type],
        options,
        [
          ['--drafter', flags.drafter],
          ['--reviewer', flags.reviewer],
          ['--template', templatePath],
          ['--issues-dir', issuesDir],
          ['--engine', flags.engine],
        ],
        ids,
      ),
  };
  if (!engine) return executeRun(run);
  // What every requirements job carries: an issue job's settings; an LLD job's add the file list.
  const jobSettings: IssueJobSettings = {
    drafter: drafterSpec.spec,
    reviewer: reviewerSpec.spec,
    limits: { ...limits, budgetUsd: limits.budgetUsd ?? null },
    template,
    layout: await layout,
    perKeyConcurrency: options.perKeyConcurrency,
    pacing: options.pacing,
    stallTimeoutMs: options.stallTimeoutMs,
    ...(options.prices ? { prices: { ...options.prices } } : {}),
  };
  const { submitToFleet } = await import('./fleet-submit.js');
  const detach = flags.detach ?? false;
  // Kept once in Redis, not in each of the repository's jobs.
  const blobKeys = ['layout', 'files'];
  if (issueWorkflow)
    return submitToFleet({ ...run, engine, settings: jobSettings, blobKeys, detach, settle: settleIssueJob(issueWorkflow) });
  const settings: LldJobSettings = { ...jobSettings, files: await files };
  return submitToFleet({ ...run, engine, settings, blobKeys, detach });
}

/** The item folder as a repository-relative folder to leave out of the layout, when it lies inside. */
function insideRepository(repo: string, folder: string | undefined): string[] {
  if (folder === undefined) return [];
  const path = relative(repo, folder);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? [] : [path];
}
