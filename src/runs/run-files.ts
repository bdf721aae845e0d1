import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemporaries, writeFileAtomic } from '../files/atomic-write.js';
import { compareRunIds, makeRunId } from '../runner/run-id.js';
import type { ItemStatus, ItemSummary, RunSummary, WorkflowName } from '../core/items.js';
import { inRepository, repositoryPaths } from '../core/paths.js';

/** The folder of the run summaries inside the target repository. */
export function runsDir(repo: string): string {
  return inRepository(repo, repositoryPaths.runsFolder);
}

/** The folder of a run's per-item log files inside the target repository. */
export function logsDir(repo: string, runId: string): string {
  return inRepository(repo, repositoryPaths.logsFolder(runId));
}

/**
 * A fresh run id that no earlier run's summary or log folder uses, reserved by creating its log folder:
 * `mkdir` succeeds for one process only, so two runs started in the same second on one repository
 * never share an id (their logs, summaries and lineage folders would overwrite each other).
 */
export function newRunId(repo: string, nowMs: number): string {
  mkdirSync(inRepository(repo, repositoryPaths.logsRoot), { recursive: true });
  return makeRunId(
    nowMs,
    (candidate) => existsSync(inRepository(repo, repositoryPaths.runSummary(candidate))) || !reserve(logsDir(repo, candidate)),
  );
}

/** Creates the folder; false when it exists already. */
function reserve(folder: string): boolean {
  try {
    mkdirSync(folder);
    return true;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST') return false;
    throw error;
  }
}

/** The run's events, one JSON object a line (`repositoryPaths.runEvents`), what `lldflow report` draws. */
export function runEventsPath(repo: string, runId: string): string {
  return inRepository(repo, repositoryPaths.runEvents(runId));
}

export async function saveRunSummary(repo: string, summary: RunSummary): Promise<string> {
  const path = inRepository(repo, repositoryPaths.runSummary(summary.runId));
  await writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
  // A summary write that a full disk or a kill cut short left its temporary file: gone once one succeeds.
  removeStaleTemporaries(runsDir(repo));
  return path;
}

/** JSON that is a run summary at least in outline (valid JSON such as `null` or `{}` is not). */
function isSummaryShaped(value: unknown): value is RunSummary {
  if (typeof value !== 'object' || value === null) return false;
  const summary = value as Partial<RunSummary>;
  return typeof summary.runId === 'string' && typeof summary.workflow === 'string' && Array.isArray(summary.items);
}

/** The run summary files that cannot be read as JSON (the runs and `status` skip them), for `lldflow status`. */
export function unreadableRunSummaries(repo: string): string[] {
  let names: string[];
  try {
    names = readdirSync(runsDir(repo)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort(bySummaryRunId).flatMap((name) => {
    const path = join(runsDir(repo), name);
    try {
      return isSummaryShaped(JSON.parse(readFileSync(path, 'utf8'))) ? [] : [path];
    } catch {
      return [path];
    }
  });
}

/**
 * Every saved run summary, oldest first (run ids sort by time). Unreadable files are skipped. Read
 * synchronously: this runs before a run starts (or for `status`), and a long history of small files
 * reads much faster that way than with an event-loop round trip per file.
 */
export function readRunSummaries(repo: string, workflow?: WorkflowName): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = readdirSync(runsDir(repo))
      .filter((name) => name.endsWith('.json'))
      .sort(bySummaryRunId);
  } catch {
    return Promise.resolve([]);
  }
  const summaries: RunSummary[] = [];
  for (const name of names) {
    try {
      const summary = JSON.parse(readFileSync(join(runsDir(repo), name), 'utf8')) as RunSummary;
      if (!isSummaryShaped(summary)) continue;
      if (workflow === undefined || summary.workflow === workflow) summaries.push(summary);
    } catch {
      // A half-written or hand-edited file must not stop a run; atomic writes make this rare.
    }
  }
  return Promise.resolve(summaries);
}

/**
 * The most recent status of every item that appeared in an earlier run of the workflow
 * (later runs override earlier ones), so --retry-failed also finds items that were cancelled.
 */
export async function lastRunStatuses(repo: string, workflow: WorkflowName): Promise<Map<string, ItemStatus>> {
  const statuses = new Map<string, ItemStatus>();
  for (const summary of await readRunSummaries(repo, workflow)) {
    for (const item of summary.items) if (!leftToAnotherRun(item)) statuses.set(item.id, item.status);
  }
  return statuses;
}

/**
 * An item a run skipped without finding it done: another run held it, or ended it meanwhile (see
 * src/runner/leased-item.ts). That run's own summary says how the item went; this one says nothing.
 */
export function leftToAnotherRun(item: Pick<ItemSummary, 'status' | 'output'>): boolean {
  return item.status === 'skipped' && item.output === null;
}

/** `<run id>.json` files in the order of their runs. */
function bySummaryRunId(left: string, right: string): number {
  return compareRunIds(left.replace(/\.json$/, ''), right.replace(/\.json$/, ''));
}
