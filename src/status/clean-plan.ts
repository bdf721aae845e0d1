import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { readRecordedLeases } from '../checkpoints/item-lease.js';
import { isFinishedCheckpoint, type Checkpoint, type CheckpointStoreFactory } from '../checkpoints/store.js';
import { formatDuration } from '../core/format.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { findTemporaries } from '../files/atomic-write.js';
import { lldFinalStatus } from '../workflows/lld/lld-status.js';
import { lineageFileName } from '../workflows/steps/lineage.js';
import { planWorktrees } from './clean-worktrees.js';
import { collectStatusReport } from './collect-status.js';
import type { CleanEntry } from './clean-entry.js';
import { lineageRunIdOf } from './state-files.js';

export interface CleanPlan {
  entries: CleanEntry[];
  /** Worktrees of finished implementations that only `--worktrees` removes. */
  worktreesLeft: number;
}

export interface CleanPlanOptions {
  repo: string;
  checkpoints: CheckpointStoreFactory;
  /** Also the worktrees of finished implement items. */
  worktrees: boolean;
  now: number;
}

/** A checkpoint a run moved aside is kept this long for a human to look at. */
export const SET_ASIDE_KEPT_MS = 7 * 24 * 60 * 60_000;

/**
 * What `lldflow clean` would remove, and what it keeps and why, without changing anything: the stale
 * state `lldflow status` lists (checkpoints of finished items, temporary files of writes that never
 * finished, unreadable run summaries, checkpoints moved aside long enough ago), holder files of leases
 * whose run is gone, and (with `worktrees`) the worktrees of finished implementations. Whatever a live
 * run holds stays.
 */
export async function planClean(options: CleanPlanOptions): Promise<CleanPlan> {
  const { repo, checkpoints } = options;
  const report = await collectStatusReport(repo, checkpoints);
  const held = new Map(
    readRecordedLeases(repo).flatMap((lease) => (lease.live ? [[`${lease.workflow}:${lease.itemId}`, lease.holder]] : [])),
  );
  const entries: CleanEntry[] = [];
  for (const problem of report.problems) {
    const item = { workflow: problem.workflow, id: problem.id };
    const holder = problem.workflow && problem.id ? held.get(`${problem.workflow}:${problem.id}`) : undefined;
    const heldKeep = holder ? { keep: `an lldflow run works on the item (pid ${holder.pid}, run ${holder.runId})` } : {};
    switch (problem.kind) {
      case 'checkpoint-stale': {
        if (!problem.workflow || !problem.id) continue;
        const checkpoint = await checkpoints.peek(problem.workflow, problem.id).catch(() => undefined);
        if (checkpoint === undefined) continue;
        const unsettled = isFinishedCheckpoint(checkpoint) ? finishedButUnsettled(repo, checkpoint) : undefined;
        entries.push({
          target: 'checkpoint',
          path: problem.path,
          ...item,
          what: isFinishedCheckpoint(checkpoint) ? 'checkpoint of a finished item' : 'checkpoint of an approved design, never resumed',
          ...(unsettled ? { keep: `${unsettled}: the next run of the item completes it and removes the checkpoint` } : {}),
          ...heldKeep,
        });
        break;
      }
      case 'checkpoint-set-aside': {
        const age = setAsideAge(problem.path, options.now);
        const young = age !== undefined && age < SET_ASIDE_KEPT_MS;
        entries.push({
          target: 'checkpoint',
          path: problem.path,
          ...item,
          what: 'unreadable checkpoint a run moved aside',
          ...(young
            ? { keep: `moved aside ${formatDuration(age, 'prose')} ago; kept ${formatDuration(SET_ASIDE_KEPT_MS, 'prose')} for a look` }
            : {}),
        });
        break;
      }
      case 'temporary-file': {
        const absolute = inRepository(repo, problem.path);
        const found = findTemporaries(dirname(absolute), options.now).find((temporary) => temporary.path === absolute);
        if (found === undefined) continue;
        entries.push({
          target: 'file',
          path: problem.path,
          ...item,
          what: 'temporary file of a write that never finished',
          ...(found.stale ? {} : { keep: 'a write in progress' }),
        });
        break;
      }
      case 'run-summary-unreadable':
        entries.push({ target: 'file', path: problem.path, ...item, what: 'run summary lldflow cannot read' });
        break;
      default:
        // Damaged checkpoints are the next run's to deal with (or need a newer lldflow); unfinished lineage is part of the audit trail.
        break;
    }
  }
  for (const lease of readRecordedLeases(repo)) {
    if (lease.live) continue;
    entries.push({
      target: 'lease',
      path: relative(repo, lease.holderFile),
      workflow: lease.workflow,
      id: lease.itemId,
      what: `holder file of a lease whose run is gone (pid ${lease.holder.pid}, run ${lease.holder.runId})`,
    });
  }
  const worktrees = await planWorktrees(repo, report.items, held);
  const finishedWorktrees = worktrees.filter((entry) => entry.target === 'worktree' && entry.keep === undefined);
  if (options.worktrees) entries.push(...worktrees);
  return { entries, worktreesLeft: options.worktrees ? 0 : finishedWorktrees.length };
}

/**
 * Why a finished item's checkpoint is still needed, or undefined when it is not: the next run completes
 * from it what a kill at the item's end left undone (the lineage files, the published output).
 */
function finishedButUnsettled(repo: string, checkpoint: Checkpoint): string | undefined {
  const state = checkpoint.state as { lineage?: unknown; output?: unknown; item?: { origin?: unknown } } | null;
  const runId = lineageRunIdOf(checkpoint);
  const lineage = Array.isArray(state?.lineage) ? (state.lineage as Array<{ number: number; name: string }>) : [];
  if (runId === undefined) return 'its lineage folder is unknown';
  const folder = inRepository(repo, repositoryPaths.lineage(checkpoint.itemId, checkpoint.workflow, runId));
  if (lineage.some((entry) => !existsSync(join(folder, lineageFileName(entry))))) return 'its lineage is not all written';
  if (checkpoint.workflow === 'lld') {
    const output = typeof state?.output === 'string' ? state.output : undefined;
    const design = output === undefined ? undefined : readText(inRepository(repo, output));
    if (design === undefined || lldFinalStatus(design) !== 'approved') return 'its design is not published';
  }
  if (checkpoint.workflow === 'issue') {
    // Filing an issue ends with its brief moved to done/.
    const origin = typeof state?.item?.origin === 'string' ? state.item.origin : undefined;
    if (origin === undefined || existsSync(isAbsolute(origin) ? origin : inRepository(repo, origin)))
      return 'its brief is not moved to done/';
  }
  return undefined;
}

/** How long ago a checkpoint was moved aside, from its name (`….sqlite.corrupt-2026-01-01T00-00-00Z`). */
function setAsideAge(path: string, now: number): number | undefined {
  const match = /\.corrupt-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z/.exec(basename(path));
  if (!match) return undefined;
  const at = Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4]}Z`);
  return Number.isFinite(at) ? Math.max(0, now - at) : undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
