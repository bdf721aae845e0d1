import type { CheckpointStoreFactory } from '../checkpoints/store.js';
import { compareItemIds } from '../core/compare-item-ids.js';
import type { ItemStatus, WorkflowName } from '../core/items.js';
import { readRunSummaries } from '../runs/run-files.js';
import { listDesigns } from '../workflows/lld/lld-designs.js';

export interface ItemStatusRow {
  workflow: WorkflowName;
  id: string;
  title: string;
  /** Where the item stands now: `done`, or the stage its checkpoint is at. */
  stage: string;
  /** How its last run ended, or what its files say when no run of this repository is recorded. */
  lastResult: ItemStatus | 'approved' | 'blocked' | 'unknown';
  output: string | null;
  lastRunId: string | null;
  error: string | null;
}

/**
 * Every item the repository knows of, from three sources merged: the saved run summaries (last result),
 * the checkpoints (where an unfinished item stands) and the LLD files (approved or blocked designs).
 */
export async function collectStatus(repo: string, checkpoints: CheckpointStoreFactory): Promise<ItemStatusRow[]> {
  const rows = new Map<string, ItemStatusRow>();
  const row = (workflow: WorkflowName, id: string): ItemStatusRow => {
    const key = `${workflow}:${id}`;
    let existing = rows.get(key);
    if (!existing) {
      existing = { workflow, id, title: '', stage: 'unknown', lastResult: 'unknown', output: null, lastRunId: null, error: null };
      rows.set(key, existing);
    }
    return existing;
  };

  for (const summary of await readRunSummaries(repo)) {
    for (const item of summary.items) {
      const entry = row(summary.workflow, item.id);
      Object.assign(entry, { title: item.title, stage: item.stage, lastResult: item.status, lastRunId: summary.runId, error: item.error });
      if (item.output) entry.output = item.output;
    }
  }

  // The LLD workflow says which designs the repository holds and what their status lines say.
  for (const design of await listDesigns(repo)) {
    const entry = row('lld', design.id);
    entry.output = design.path;
    const status = design.status;
    if (entry.lastResult === 'unknown' && (status === 'approved' || status === 'blocked')) entry.lastResult = status;
    // A finalized document (approved or blocked) means its run reached the end.
    if (status === 'approved' || (status === 'blocked' && entry.stage === 'unknown')) entry.stage = 'done';
  }

  for (const { workflow, itemId } of await checkpoints.list()) {
    const checkpoint = await checkpoints.peek(workflow, itemId);
    if (!checkpoint) continue;
    const entry = row(workflow, itemId);
    // A blocked item's run has ended; its checkpoint only keeps the state for a human to look at.
    if (checkpoint.status !== 'blocked' || entry.stage === 'unknown') entry.stage = checkpoint.stage;
    if (checkpoint.status === 'running' && entry.lastResult === 'unknown') entry.lastResult = 'interrupted';
  }

  return [...rows.values()].sort((left, right) => left.workflow.localeCompare(right.workflow) || compareItemIds(left.id, right.id));
}
