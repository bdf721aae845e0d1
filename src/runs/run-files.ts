import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import { makeRunId } from '../runner/run-id.js';
import type { ItemStatus, RunSummary, WorkflowName } from '../runner/types.js';

/** Where a run's local state lives inside the target repository (kept out of git). */
export function localStateDir(repo: string): string {
  return join(repo, '.lldflow');
}

export function runsDir(repo: string): string {
  return join(localStateDir(repo), 'runs');
}

export function logsDir(repo: string, runId: string): string {
  return join(localStateDir(repo), 'logs', runId);
}

/** A fresh run id that no earlier run's summary or log folder uses. */
export function newRunId(repo: string, nowMs: number): string {
  return makeRunId(nowMs, (candidate) => existsSync(join(runsDir(repo), `${candidate}.json`)) || existsSync(logsDir(repo, candidate)));
}

export async function saveRunSummary(repo: string, summary: RunSummary): Promise<string> {
  const path = join(runsDir(repo), `${summary.runId}.json`);
  await writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
  return path;
}

/** Every saved run summary, oldest first (run ids sort by time). Unreadable files are skipped. */
export async function readRunSummaries(repo: string, workflow?: WorkflowName): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = (await readdir(runsDir(repo))).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const summaries: RunSummary[] = [];
  for (const name of names) {
    try {
      const summary = JSON.parse(await readFile(join(runsDir(repo), name), 'utf8')) as RunSummary;
      if (workflow === undefined || summary.workflow === workflow) summaries.push(summary);
    } catch {
      // A half-written or hand-edited file must not stop a run; atomic writes make this rare.
    }
  }
  return summaries;
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
