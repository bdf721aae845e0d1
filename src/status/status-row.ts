import type { CheckpointStatus } from '../checkpoints/store.js';
import { WORKFLOW_NAMES, type ItemSummary, type WorkflowName } from '../core/items.js';
import { blockedStage } from './blocked-stage.js';

/**
 * How an item stands, as `lldflow status` tells it. `approved`: a design whose status line says so
 * although no recorded run approved it (approved by hand, or its runs are not recorded here).
 * `running`: a live lldflow process holds it now. `pending`: nothing says how it went yet.
 */
export type StatusResult =
  'succeeded' | 'approved' | 'failed' | 'blocked' | 'interrupted' | 'cancelled' | 'invalid' | 'running' | 'pending';

export const STATUS_RESULTS: readonly StatusResult[] = [
  'succeeded',
  'approved',
  'failed',
  'blocked',
  'interrupted',
  'cancelled',
  'invalid',
  'running',
  'pending',
];

export interface ItemStatusRow {
  workflow: WorkflowName;
  id: string;
  title: string;
  /** Where the item ended (a blocked one: where it blocked), where it stands now, or `damaged checkpoint`. */
  stage: string;
  /** The last meaningful result: a skip never replaces it. */
  lastResult: StatusResult;
  /** What the model calls of every recorded run of the item cost, in US dollars. */
  costUsd: number;
  /** The item's main output (design, issue, implementation report), relative to the repository. */
  output: string | null;
  /** implement: the item's branch, when it exists. */
  branch: string | null;
  /** implement: the item's worktree, relative to the repository, when it exists. */
  worktree: string | null;
  /** The run the result comes from, when a run summary says it. */
  lastRunId: string | null;
  error: string | null;
}

/** Everything lldflow's files say about one item, gathered by `collectStatusReport`. Times in epoch milliseconds. */
export interface ItemFacts {
  workflow: WorkflowName;
  id: string;
  /** The item's entries in the run summaries, oldest run first; `endedAt` is when that run ended. */
  runs: Array<{ runId: string; endedAt: number; item: ItemSummary }>;
  checkpoint?:
    | { kind: 'ok'; stage: string; status: CheckpointStatus; finished: boolean; updatedAt: number; lineageNames: string[]; title?: string }
    | { kind: 'damaged'; message: string };
  /** lld: the design file and what its status line says. */
  design?: { path: string; status: 'approved' | 'blocked' | 'draft' | undefined; title: string; modifiedAt: number };
  /** The files of the item's newest lineage run folder, in order. */
  lineageNames?: string[];
  /** A live lldflow process holds the item's lease. */
  heldBy?: { runId: string };
  branch?: string;
  worktree?: string;
}

interface Evidence {
  at: number;
  result: StatusResult;
  stage: string;
  error: string | null;
  runId: string | null;
}

/**
 * One item's row. The newest evidence decides the result: the last run that did something with the
 * item (a skip did nothing: it never replaces a result), a later run that found it done, a checkpoint
 * written after the last recorded run (a run killed before its summary), a design file changed after
 * it (approved by hand). A live holder of the item's lease beats them all: the item is running.
 */
export function statusRow(facts: ItemFacts): ItemStatusRow {
  const evidence: Evidence[] = [];
  const runs = [...facts.runs].reverse();
  const worked = runs.find((run) => run.item.status !== 'skipped');
  if (worked) {
    const { item } = worked;
    evidence.push({ at: worked.endedAt, result: item.status as StatusResult, stage: item.stage, error: item.error, runId: worked.runId });
  }
  // A run skips an item as done only when its output is there (see src/runner/plan.ts): news only after a run that did not succeed.
  const foundDone = runs.find((run) => run.item.status === 'skipped' && run.item.output !== null);
  if (foundDone && worked?.item.status !== 'succeeded')
    evidence.push({ at: foundDone.endedAt, result: 'succeeded', stage: 'done', error: null, runId: foundDone.runId });

  const checkpoint = facts.checkpoint;
  if (checkpoint?.kind === 'ok') {
    evidence.push({
      at: checkpoint.updatedAt,
      // Killed between its end and the checkpoint's removal: the work is done, only bookkeeping is left.
      result: checkpoint.finished ? 'succeeded' : checkpoint.status === 'running' ? 'interrupted' : checkpoint.status,
      stage: checkpoint.finished ? 'done' : checkpoint.stage,
      error: null,
      runId: null,
    });
  }
  const design = facts.design;
  if (design?.status === 'approved' || design?.status === 'blocked') {
    evidence.push({ at: design.modifiedAt, result: design.status, stage: 'done', error: null, runId: null });
  }

  // Newest wins; on a tie the earlier entry (a run's own record of its checkpoint and design) stays.
  let chosen = evidence.reduce<Evidence | undefined>((best, entry) => (best === undefined || entry.at > best.at ? entry : best), undefined);
  // A design the last run approved is that run's success, even when its file was touched since (a checkout).
  if (chosen?.result === 'approved' && worked?.item.status === 'succeeded') chosen = evidence[0];
  let result: StatusResult = chosen?.result ?? 'pending';
  let stage = chosen?.stage ?? 'unknown';
  let error = chosen?.error ?? null;

  if (result === 'blocked' && (stage === 'done' || stage === 'finalize')) {
    const trail = checkpoint?.kind === 'ok' && checkpoint.status === 'blocked' ? checkpoint.lineageNames : facts.lineageNames;
    stage = blockedStage(facts.workflow, trail ?? []) ?? stage;
  }
  if (facts.heldBy) {
    result = 'running';
    error = null;
    if (checkpoint?.kind === 'ok') stage = checkpoint.stage;
  }
  if (checkpoint?.kind === 'damaged') {
    stage = 'damaged checkpoint';
    error = checkpoint.message;
  }

  const titled = runs.find((run) => run.item.title)?.item.title;
  return {
    workflow: facts.workflow,
    id: facts.id,
    title: titled ?? design?.title ?? (checkpoint?.kind === 'ok' ? checkpoint.title : undefined) ?? '',
    stage,
    lastResult: result,
    costUsd: facts.runs.reduce((sum, run) => sum + (Number.isFinite(run.item.costUsd) ? run.item.costUsd : 0), 0),
    output: design?.path ?? runs.find((run) => run.item.output)?.item.output ?? null,
    branch: facts.branch ?? null,
    worktree: facts.worktree ?? null,
    lastRunId: facts.heldBy?.runId ?? chosen?.runId ?? null,
    error,
  };
}

/** The workflows in the order `status` lists them: designs, issues, implementations. */
/** Rows in pipeline order (lld, issue, implement). */
export const WORKFLOW_ORDER: readonly WorkflowName[] = WORKFLOW_NAMES;

/** Pipeline order: designs, issues, implementations; within one, by item id as people read them. */
export function compareRows(
  compareIds: (left: string, right: string) => number,
): (left: Pick<ItemStatusRow, 'workflow' | 'id'>, right: Pick<ItemStatusRow, 'workflow' | 'id'>) => number {
  return (left, right) => WORKFLOW_ORDER.indexOf(left.workflow) - WORKFLOW_ORDER.indexOf(right.workflow) || compareIds(left.id, right.id);
}
