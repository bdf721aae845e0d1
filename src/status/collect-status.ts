import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { readRecordedLeases } from '../checkpoints/item-lease.js';
import { isFinishedCheckpoint, type Checkpoint, type CheckpointStoreFactory } from '../checkpoints/store.js';
import { compareItemIds } from '../core/compare-item-ids.js';
import type { WorkflowName } from '../core/items.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { findTemporaries } from '../files/atomic-write.js';
import { isGitRepository, runGit } from '../git/git.js';
import { implementationBranch } from '../git/worktree.js';
import { readRunSummaries, runsDir, unreadableRunSummaries } from '../runs/run-files.js';
import { listDesigns } from '../workflows/lld/lld-designs.js';
import { inspectLineage } from './lineage-inspection.js';
import { checkStateOf, lineageRunIdOf } from './state-files.js';
import { temporaryProblem, type FoundProblem, type StatusProblem } from './status-problem.js';
import { compareRows, statusRow, WORKFLOW_ORDER, type ItemFacts, type ItemStatusRow } from './status-row.js';

export type { StatusProblem } from './status-problem.js';
export type { ItemStatusRow } from './status-row.js';

export interface StatusReport {
  items: ItemStatusRow[];
  problems: StatusProblem[];
}

/**
 * Every item the repository knows of, from what lldflow's files say about it: the run summaries, the
 * checkpoints, the LLD files, the lineage, the leases of live runs, the implementation branches and
 * worktrees (see `statusRow` for how they are weighed).
 */
export async function collectStatus(repo: string, checkpoints: CheckpointStoreFactory): Promise<ItemStatusRow[]> {
  return (await collectStatusReport(repo, checkpoints)).items;
}

/**
 * The items (see `collectStatus`) and every damaged or left-over piece of state: checkpoints that
 * cannot be read, were written by a newer lldflow or outlived their finished item, checkpoints moved
 * aside, temporary files of interrupted writes, lineage folders of runs that never finished, run
 * summaries that cannot be read. Never throws for what it finds on disk: what it cannot read is a problem.
 */
export async function collectStatusReport(repo: string, checkpoints: CheckpointStoreFactory): Promise<StatusReport> {
  const known = new Map<string, ItemFacts>();
  const problems: StatusProblem[] = [];
  const shown = (path: string): string => relative(repo, path) || path;
  const problem = (entry: FoundProblem): void => {
    problems.push({
      workflow: entry.workflow ?? null,
      id: entry.id ?? null,
      kind: entry.kind,
      path: shown(entry.path),
      message: entry.message,
    });
  };
  const facts = (workflow: WorkflowName, id: string): ItemFacts => {
    const key = `${workflow}:${id}`;
    let existing = known.get(key);
    if (!existing) {
      existing = { workflow, id, runs: [] };
      known.set(key, existing);
    }
    return existing;
  };
  const unreadable = (path: string, error: unknown): void =>
    problem({ kind: 'unreadable', path, message: `could not be read: ${error instanceof Error ? error.message : String(error)}` });

  try {
    for (const summary of await readRunSummaries(repo)) {
      if (!WORKFLOW_ORDER.includes(summary.workflow)) continue;
      const started = Date.parse(summary.startedAt);
      const endedAt = (Number.isFinite(started) ? started : 0) + (Number.isFinite(summary.durationMs) ? summary.durationMs : 0);
      for (const item of summary.items) {
        if (typeof item?.id !== 'string') continue;
        facts(summary.workflow, item.id).runs.push({ runId: summary.runId, endedAt, item });
      }
    }
    for (const path of unreadableRunSummaries(repo)) {
      problem({
        kind: 'run-summary-unreadable',
        path,
        message: 'not a run summary lldflow can read (runs and `status` skip it): delete it',
      });
    }
  } catch (error) {
    unreadable(runsDir(repo), error);
  }

  // The LLD workflow says which designs the repository holds and what their status lines say.
  const approved = new Set<string>();
  try {
    for (const design of await listDesigns(repo)) {
      if (design.status === 'approved') approved.add(design.id);
      facts('lld', design.id).design = { ...design, modifiedAt: modifiedAt(inRepository(repo, design.path)) };
    }
  } catch (error) {
    unreadable(inRepository(repo, repositoryPaths.lldFolder), error);
  }

  /** The lineage run folders checkpoints still resume into: `<id>-<workflow>/<run-id>`. */
  const resumedFolders = new Set<string>();
  let listed: Array<{ workflow: WorkflowName; itemId: string }> = [];
  try {
    listed = await checkpoints.list();
  } catch (error) {
    unreadable(inRepository(repo, repositoryPaths.checkpointsFolder), error);
  }
  for (const { workflow, itemId } of listed) {
    const path = inRepository(repo, repositoryPaths.checkpoint(workflow, itemId));
    let inspection;
    try {
      inspection = await checkpoints.inspect(workflow, itemId);
    } catch (error) {
      unreadable(path, error);
      continue;
    }
    if (inspection.kind === 'none') continue;
    const entry = facts(workflow, itemId);
    if (inspection.kind === 'damaged') {
      entry.checkpoint = { kind: 'damaged', message: inspection.message };
      const next =
        inspection.problem === 'unreadable'
          ? 'the next run of the item moves it aside and starts the item afresh'
          : inspection.problem === 'newer-schema'
            ? 'the item fails until that lldflow resumes it or the file is deleted'
            : 'the item fails until the file can be read';
      problem({
        kind:
          inspection.problem === 'unreadable'
            ? 'checkpoint-unreadable'
            : inspection.problem === 'newer-schema'
              ? 'checkpoint-newer'
              : 'checkpoint-io',
        workflow,
        id: itemId,
        path: inspection.path,
        message: `${inspection.message}; ${next}`,
      });
      continue;
    }
    const checkpoint = inspection.checkpoint;
    const runId = lineageRunIdOf(checkpoint);
    if (runId !== undefined) resumedFolders.add(`${itemId}-${workflow}/${runId}`);
    const stateProblem = checkStateOf(checkpoint);
    if (stateProblem) {
      entry.checkpoint = { kind: 'damaged', message: stateProblem.message };
      problem({
        kind: 'checkpoint-state',
        workflow,
        id: itemId,
        path,
        message: `${stateProblem.message}; ${stateProblem.kind === 'newer' ? 'the item fails until that lldflow resumes it or the file is deleted' : 'the next run of the item moves it aside and starts the item afresh'}`,
      });
      continue;
    }
    const finished = isFinishedCheckpoint(checkpoint);
    if (finished) {
      problem({
        kind: 'checkpoint-stale',
        workflow,
        id: itemId,
        path,
        message: 'checkpoint of a finished item that was never removed; the next run of the item completes its lineage and removes it',
      });
    } else if (workflow === 'lld' && approved.has(itemId) && checkpoint.status !== 'blocked') {
      // Runs skip an approved design: this checkpoint says nothing about the item any more.
      problem({
        kind: 'checkpoint-stale',
        workflow,
        id: itemId,
        path,
        message: `the item's LLD is approved, so runs skip it and this checkpoint (stage ${checkpoint.stage}) is never resumed: delete it`,
      });
      continue;
    }
    entry.checkpoint = {
      kind: 'ok',
      stage: checkpoint.stage,
      status: checkpoint.status,
      finished,
      updatedAt: Date.parse(checkpoint.updatedAt) || 0,
      lineageNames: lineageNamesOf(checkpoint),
      ...titleOf(checkpoint),
    };
  }

  try {
    for (const aside of await checkpoints.listSetAside()) {
      problem({
        kind: 'checkpoint-set-aside',
        workflow: aside.workflow,
        id: aside.itemId,
        path: aside.path,
        message: 'an unreadable checkpoint a run moved aside (the item started afresh): delete it once looked at',
      });
    }
  } catch (error) {
    unreadable(inRepository(repo, repositoryPaths.checkpointsFolder), error);
  }

  const lineage = inspectLineage(repo, resumedFolders, shown);
  for (const found of lineage.problems) problem(found);
  for (const folder of [inRepository(repo, repositoryPaths.lldFolder), runsDir(repo)]) {
    for (const temporary of findTemporaries(folder)) problem(temporaryProblem(temporary, shown));
  }

  for (const lease of readRecordedLeases(repo)) {
    const entry = known.get(`${lease.workflow}:${lease.itemId}`);
    if (entry && lease.live) entry.heldBy = { runId: lease.holder.runId };
  }
  const branches = await implementationBranches(repo);
  for (const entry of known.values()) {
    const trail = lineage.newestRuns.get(`${entry.workflow}:${entry.id}`);
    if (trail) entry.lineageNames = trail;
    if (entry.workflow !== 'implement') continue;
    if (branches.has(implementationBranch(entry.id))) entry.branch = implementationBranch(entry.id);
    if (existsSync(inRepository(repo, repositoryPaths.worktree(entry.id)))) entry.worktree = repositoryPaths.worktree(entry.id);
  }

  const items = [...known.values()].map(statusRow).sort(compareRows(compareItemIds));
  // One line per thing wrong: two readers of one unreadable folder report it once.
  const unique = [...new Map(problems.map((entry) => [`${entry.kind}\0${entry.path}\0${entry.message}`, entry])).values()];
  unique.sort((left, right) => left.path.localeCompare(right.path));
  return { items, problems: unique };
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The repository's local branches, for the implement rows; none outside a git repository. */
async function implementationBranches(repo: string): Promise<Set<string>> {
  if (!(await isGitRepository(repo))) return new Set();
  try {
    const { stdout } = await runGit(['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], { cwd: repo });
    return new Set(stdout.split('\n').filter((line) => line.endsWith('-implementation')));
  } catch {
    return new Set();
  }
}

/** The names of the lineage entries a checkpoint's state holds, in order. */
function lineageNamesOf(checkpoint: Checkpoint): string[] {
  const state = checkpoint.state;
  const lineage = typeof state === 'object' && state !== null && 'lineage' in state ? state.lineage : undefined;
  if (!Array.isArray(lineage)) return [];
  return lineage.flatMap((entry: unknown) =>
    typeof entry === 'object' && entry !== null && 'name' in entry && typeof entry.name === 'string' ? [entry.name] : [],
  );
}

/** The item's title as the state keeps it (review loops keep the loaded item, implement its LLD). */
function titleOf(checkpoint: Checkpoint): { title?: string } {
  const state = checkpoint.state as { item?: { title?: unknown }; lld?: { title?: unknown } } | null;
  const title = state?.item?.title ?? state?.lld?.title;
  return typeof title === 'string' ? { title } : {};
}
