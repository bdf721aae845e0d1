import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import { makeRunId } from '../runner/run-id.js';
import type { ItemStatus, RunSummary, WorkflowName } from '../core/items.js';
import { inRepository, repositoryPaths } from '../core/paths.js';

/** The folder of the run summaries inside the target repository. */
export function runsDir(repo: string): string {
  return inRepository(repo, repositoryPaths.runsFolder);
}

/** The folder of a run's per-item log files inside the target repository. */
export function logsDir(repo: string, runId: string): string {
  return inRepository(repo, repositoryPaths.logsFolder(runId));
}

/** A fresh run id that no earlier run's summary or log folder uses. */
export function newRunId(repo: string, nowMs: number): string {
  return makeRunId(
    nowMs,
    (candidate) => existsSync(inRepository(repo, repositoryPaths.runSummary(candidate))) || existsSync(logsDir(repo, candidate)),
  );
}

export async function saveRunSummary(repo: string, summary: RunSummary): Promise<string> {
  const path = inRepository(repo, repositoryPaths.runSummary(summary.runId));
  await writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
  return path;
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
      .sort();
  } catch {
    return Promise.resolve([]);
  }
  const summaries: RunSummary[] = [];
  for (const name of names) {
    try {
      const summary = JSON.parse(readFileSync(join(runsDir(repo), name), 'utf8')) as RunSummary;
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
    for (const item of summary.items) statuses.set(item.id, item.status);
  }
  return statuses;
}
