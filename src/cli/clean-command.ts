import { resolve } from 'node:path';
import { FileItemLeases } from '../checkpoints/item-lease.js';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import { applyClean } from '../status/clean-apply.js';
import { planClean } from '../status/clean-plan.js';
import { plannedOutcomes, renderClean } from '../status/render-clean.js';
import type { CliIo } from './cli-io.js';
import { requireRepositoryFolder } from './execute-run.js';

/** What the holder file of a lease `clean` takes says in place of a run id. */
const CLEAN_HOLDER = 'lldflow clean';

/**
 * `lldflow clean [--worktrees] [--dry-run]`: removes lldflow's stale local state, and with --worktrees
 * the worktrees of finished implementations; says what it kept and why. Exit 1 when something that
 * should have gone could not be removed.
 */
export async function runCleanCommand(
  flags: { worktrees: boolean; dryRun: boolean; repo?: string | undefined },
  io: CliIo,
): Promise<number> {
  const repo = resolve(io.cwd, flags.repo ?? '.');
  await requireRepositoryFolder(repo);
  const plan = await planClean({
    repo,
    checkpoints: new SqliteCheckpointStoreFactory(repo),
    worktrees: flags.worktrees,
    now: io.clock.now(),
  });
  const write = (lines: string[]): void => void io.stdout.write(lines.map((line) => `${line}\n`).join(''));
  if (flags.dryRun) {
    write(renderClean(plannedOutcomes(plan.entries), { dryRun: true, worktreesLeft: plan.worktreesLeft }));
    return 0;
  }
  const outcomes = await applyClean(plan.entries, { repo, leases: new FileItemLeases(repo, { runId: CLEAN_HOLDER }, io.clock) });
  write(renderClean(outcomes, { dryRun: false, worktreesLeft: plan.worktreesLeft }));
  return outcomes.some((outcome) => outcome.outcome === 'failed') ? 1 : 0;
}
