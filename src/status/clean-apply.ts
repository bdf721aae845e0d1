import { rmSync } from 'node:fs';
import { describeHolder, type ItemLeases } from '../checkpoints/item-lease.js';
import { inRepository } from '../core/paths.js';
import { withRepositoryLock } from '../git/repository-lock.js';
import type { CleanEntry } from './clean-entry.js';
import { removeWorktree, uncommittedChanges } from './clean-worktrees.js';

/** What became of one entry of the plan. */
export interface CleanOutcome extends CleanEntry {
  outcome: 'removed' | 'kept' | 'failed';
  /** Why it was kept, or what went wrong. */
  note?: string;
}

/** SQLite's side files move and go with the database (see src/checkpoints/sqlite-store.ts). */
const DATABASE_SUFFIXES = ['', '-wal', '-shm', '-journal'];

/**
 * Removes what the plan says goes. Each item's entry is removed under the item's lease, so a run that
 * starts meanwhile either waits for nothing (it skips the item, naming this process) or holds it first
 * (the entry is kept); a worktree is looked at again under the lease and the repository lock, and kept
 * when it has changes by then.
 */
export async function applyClean(entries: readonly CleanEntry[], options: { repo: string; leases: ItemLeases }): Promise<CleanOutcome[]> {
  const outcomes: CleanOutcome[] = [];
  for (const entry of entries) {
    if (entry.keep !== undefined) {
      outcomes.push({ ...entry, outcome: 'kept', note: entry.keep });
      continue;
    }
    outcomes.push(await applyOne(entry, options));
  }
  return outcomes;
}

async function applyOne(entry: CleanEntry, options: { repo: string; leases: ItemLeases }): Promise<CleanOutcome> {
  const absolute = inRepository(options.repo, entry.path);
  let attempt;
  try {
    attempt = entry.workflow && entry.id ? await options.leases.acquire(entry.workflow, entry.id) : undefined;
  } catch (error) {
    return { ...entry, outcome: 'failed', note: `could not take the item's lease: ${message(error)}` };
  }
  if (attempt?.kind === 'held') return { ...entry, outcome: 'kept', note: describeHolder(attempt.holder) };
  try {
    switch (entry.target) {
      case 'lease':
        // Taking the lease replaced the dead holder's file; releasing it removes it.
        break;
      case 'file':
        rmSync(absolute, { force: true });
        break;
      case 'checkpoint':
        for (const suffix of DATABASE_SUFFIXES) rmSync(`${absolute}${suffix}`, { force: true });
        break;
      case 'folder':
        rmSync(absolute, { recursive: true, force: true });
        break;
      case 'worktree': {
        const kept = await withRepositoryLock(options.repo, async () => {
          const changes = await uncommittedChanges(absolute);
          if (changes.length > 0) return `uncommitted changes since it was looked at: ${changes.slice(0, 3).join(', ')}`;
          await removeWorktree(options.repo, absolute);
          return undefined;
        });
        if (kept !== undefined) return { ...entry, outcome: 'kept', note: kept };
        break;
      }
    }
    return { ...entry, outcome: 'removed' };
  } catch (error) {
    return { ...entry, outcome: 'failed', note: message(error) };
  } finally {
    if (attempt?.kind === 'leased') attempt.lease.release();
  }
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
