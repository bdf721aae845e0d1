import { join, relative } from 'node:path';
import { isFinishedCheckpoint, type CheckpointStoreFactory } from '../checkpoints/store.js';
import { compareItemIds } from '../core/compare-item-ids.js';
import type { ItemStatus, WorkflowName } from '../core/items.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { findTemporaries } from '../files/atomic-write.js';
import { readRunSummaries, runsDir, unreadableRunSummaries } from '../runs/run-files.js';
import { listDesigns } from '../workflows/lld/lld-designs.js';
import { checkStateOf, CLOSING_RECORD, lineageRunIdOf, readFolder } from './state-files.js';

export interface ItemStatusRow {
  workflow: WorkflowName;
  id: string;
  title: string;
  /** Where the item stands now: `done`, the stage its checkpoint is at, or `damaged checkpoint`. */
  stage: string;
  /** How its last run ended, or what its files say when no run of this repository is recorded. */
  lastResult: ItemStatus | 'approved' | 'blocked' | 'unknown';
  output: string | null;
  lastRunId: string | null;
  error: string | null;
}

/** Damaged or left-over state `lldflow status` found, each with the file it is about and what happens to it. */
export interface StatusProblem {
  kind:
    | 'checkpoint-unreadable'
    | 'checkpoint-newer'
    | 'checkpoint-io'
    | 'checkpoint-state'
    | 'checkpoint-stale'
    | 'checkpoint-set-aside'
    | 'temporary-file'
    | 'unfinished-lineage'
    | 'run-summary-unreadable'
    | 'unreadable';
  workflow: WorkflowName | null;
  id: string | null;
  /** Relative to the repository. */
  path: string;
  message: string;
}

export interface StatusReport {
  items: ItemStatusRow[];
  problems: StatusProblem[];
}

/**
 * Every item the repository knows of, from three sources merged: the saved run summaries (last result),
 * the checkpoints (where an unfinished item stands) and the LLD files (approved or blocked designs).
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
  const rows = new Map<string, ItemStatusRow>();
  const problems: StatusProblem[] = [];
  const shown = (path: string): string => relative(repo, path) || path;
  const problem = (entry: Found): void => {
    problems.push({
      workflow: entry.workflow ?? null,
      id: entry.id ?? null,
      kind: entry.kind,
      path: shown(entry.path),
      message: entry.message,
    });
  };
  const row = (workflow: WorkflowName, id: string): ItemStatusRow => {
    const key = `${workflow}:${id}`;
    let existing = rows.get(key);
    if (!existing) {
      existing = { workflow, id, title: '', stage: 'unknown', lastResult: 'unknown', output: null, lastRunId: null, error: null };
      rows.set(key, existing);
    }
    return existing;
  };
  const unreadable = (path: string, error: unknown): void =>
    problem({ kind: 'unreadable', path, message: `could not be read: ${error instanceof Error ? error.message : String(error)}` });

  try {
    for (const summary of await readRunSummaries(repo)) {
      for (const item of summary.items) {
        if (typeof item?.id !== 'string') continue;
        // A skip says nothing new about how the item went (another run had it, or an earlier run did
        // it): the last meaningful result stays, whichever of two runs of one second sorts later.
        const known = rows.get(`${summary.workflow}:${item.id}`);
        if (known && item.status === 'skipped') {
          if (item.output) known.output = item.output;
          continue;
        }
        const entry = row(summary.workflow, item.id);
        Object.assign(entry, {
          title: item.title,
          stage: item.stage,
          lastResult: item.status,
          lastRunId: summary.runId,
          error: item.error,
        });
        if (item.output) entry.output = item.output;
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
      const entry = row('lld', design.id);
      entry.output = design.path;
      const status = design.status;
      if (status === 'approved') approved.add(design.id);
      if (entry.lastResult === 'unknown' && (status === 'approved' || status === 'blocked')) entry.lastResult = status;
      // A finalized document (approved or blocked) means its run reached the end.
      if (status === 'approved' || (status === 'blocked' && entry.stage === 'unknown')) entry.stage = 'done';
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
    const entry = row(workflow, itemId);
    if (inspection.kind === 'damaged') {
      entry.stage = 'damaged checkpoint';
      entry.error = inspection.message;
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
      entry.stage = 'damaged checkpoint';
      entry.error = stateProblem.message;
      problem({
        kind: 'checkpoint-state',
        workflow,
        id: itemId,
        path,
        message: `${stateProblem.message}; ${stateProblem.kind === 'newer' ? 'the item fails until that lldflow resumes it or the file is deleted' : 'the next run of the item moves it aside and starts the item afresh'}`,
      });
      continue;
    }
    if (isFinishedCheckpoint(checkpoint)) {
      // Killed between its end and the checkpoint's deletion: the item is done.
      entry.stage = 'done';
      problem({
        kind: 'checkpoint-stale',
        workflow,
        id: itemId,
        path,
        message: 'checkpoint of a finished item that was never removed; the next run of the item completes its lineage and removes it',
      });
      continue;
    }
    if (workflow === 'lld' && approved.has(itemId) && checkpoint.status !== 'blocked') {
      problem({
        kind: 'checkpoint-stale',
        workflow,
        id: itemId,
        path,
        message: `the item's LLD is approved, so runs skip it and this checkpoint (stage ${checkpoint.stage}) is never resumed: delete it`,
      });
      continue;
    }
    // A blocked item's run has ended; its checkpoint only keeps the state for a human to look at.
    if (checkpoint.status !== 'blocked' || entry.stage === 'unknown') entry.stage = checkpoint.stage;
    if (checkpoint.status === 'running' && entry.lastResult === 'unknown') entry.lastResult = 'interrupted';
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

  const lineage = inspectLineage(repo, resumedFolders);
  for (const found of lineage) problem(found);
  for (const folder of [inRepository(repo, repositoryPaths.lldFolder), runsDir(repo)]) {
    for (const temporary of findTemporaries(folder)) problem(temporaryProblem(temporary));
  }

  const items = [...rows.values()].sort((left, right) => left.workflow.localeCompare(right.workflow) || compareItemIds(left.id, right.id));
  // One line per thing wrong: two readers of one unreadable folder report it once.
  const unique = [...new Map(problems.map((entry) => [`${entry.kind}\0${entry.path}\0${entry.message}`, entry])).values()];
  unique.sort((left, right) => left.path.localeCompare(right.path));
  return { items, problems: unique };

  function temporaryProblem(temporary: { path: string; target: string; stale: boolean }): Found {
    return {
      kind: 'temporary-file',
      workflow: null,
      id: null,
      path: temporary.path,
      message: temporary.stale
        ? `temporary file of a write that never finished (for ${shown(temporary.target)}); the next write into its folder removes it, or delete it`
        : `temporary file of a write in progress (for ${shown(temporary.target)})`,
    };
  }

  /** Run folders under docs/lineage/active/: temporary files, and runs that never finished and that no checkpoint resumes. */
  function inspectLineage(root: string, resumed: ReadonlySet<string>): Array<Found> {
    const found: Array<Found> = [];
    const base = inRepository(root, repositoryPaths.lineageFolder);
    for (const itemFolder of readFolder(base)) {
      const match = /^([A-Za-z0-9_-]+)-(lld|issue|implement)$/.exec(itemFolder);
      for (const runFolder of readFolder(join(base, itemFolder))) {
        const directory = join(base, itemFolder, runFolder);
        const names = readFolder(directory);
        for (const temporary of findTemporaries(directory)) found.push(temporaryProblem(temporary));
        if (!match || match[2] === 'implement') continue;
        const entries = names.filter((name) => /^\d{3,}-/.test(name) && !name.endsWith('.tmp')).sort();
        if (entries.length === 0 || entries.some((name) => CLOSING_RECORD.test(name)) || resumed.has(`${itemFolder}/${runFolder}`))
          continue;
        found.push({
          kind: 'unfinished-lineage',
          workflow: match[2] as WorkflowName,
          id: match[1]!,
          path: directory,
          message: `lineage of a run that never finished (last entry ${entries.at(-1)}) and that no checkpoint resumes`,
        });
      }
    }
    return found;
  }
}

/** A problem as found: the path absolute, the item when there is one. */
type Found = Omit<StatusProblem, 'workflow' | 'id'> & { workflow?: WorkflowName | null; id?: string | null };
