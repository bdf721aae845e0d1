import { existsSync } from 'node:fs';
import { readRecordedLeases } from '../checkpoints/item-lease.js';
import { validateItemId } from '../core/item-id.js';
import type { WorkflowName } from '../core/items.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { compareRunIds } from '../runner/run-id.js';
import { readRunSummaries } from '../runs/run-files.js';
import { readFolder } from './state-files.js';

/** One item's log file in one run. */
export interface ItemLog {
  /** The id as the run named the file (`7` for a `007` asked for). */
  id: string;
  runId: string;
  /** Absolute path of `.lldflow/logs/<run-id>/<id>.log`. */
  path: string;
  /** The run's workflow, when its summary or a live lease says it. */
  workflow: WorkflowName | undefined;
}

/**
 * The item's log in the latest run that has one (of `workflow`, when given), or undefined. Log folders
 * do not say their workflow: a finished run's summary does, and a running run's lease on the item.
 */
export async function findItemLog(repo: string, id: string, workflow?: WorkflowName): Promise<ItemLog | undefined> {
  const ids = [...new Set([validateItemId(id, 'lldflow logs'), id.replace(/^0+(?=\d+$)/, '')])];
  const workflows = new Map<string, WorkflowName>();
  for (const summary of await readRunSummaries(repo)) workflows.set(summary.runId, summary.workflow);
  for (const lease of readRecordedLeases(repo)) {
    if (lease.live && ids.includes(lease.itemId)) workflows.set(lease.holder.runId, lease.workflow);
  }
  const runIds = readFolder(inRepository(repo, repositoryPaths.logsRoot)).sort(compareRunIds).reverse();
  for (const runId of runIds) {
    const runWorkflow = workflows.get(runId);
    if (workflow !== undefined && runWorkflow !== workflow) continue;
    for (const candidate of ids) {
      const path = inRepository(repo, repositoryPaths.log(runId, candidate));
      if (existsSync(path)) return { id: candidate, runId, path, workflow: runWorkflow };
    }
  }
  return undefined;
}

/** The run has ended: its summary is saved (after every item log is closed). */
export function runHasEnded(repo: string, runId: string): boolean {
  return existsSync(inRepository(repo, repositoryPaths.runSummary(runId)));
}

/** A live process of the run holds an item's lease: the run is working. */
export function runIsWorking(repo: string, runId: string): boolean {
  return readRecordedLeases(repo).some((lease) => lease.live && lease.holder.runId === runId);
}
