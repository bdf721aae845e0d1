import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../../git/git.js';
import { allowedPaths, allowedPatterns, checkWrite, type WritePolicy } from './path-policy.js';
import type { PlannedFile } from './implement-state.js';

/**
 * What an implementer that edits the worktree itself (a coding agent) may leave there, checked after
 * each of its turns from git's view of the worktree: whatever it did, only the changes its phase
 * allows stay, the rest is reverted and the agent is told why.
 */

/** One path git reports as changed against HEAD (or as new). */
export interface WorktreeChange {
  /** Worktree-relative, with `/` separators. */
  path: string;
  kind: 'added' | 'modified' | 'deleted';
  /** Whether HEAD has the path: a tracked file is restored from it, a new one removed. */
  tracked: boolean;
}

export interface DisallowedChange {
  change: WorktreeChange;
  reason: string;
}

/**
 * The phase's write policy, for an implementer that answers with files and one that edits the worktree
 * alike: tests first (test files only), then code (section 2.1's files and glob rows, and the tests
 * until they are frozen).
 */
export function phasePolicy(phase: 'tests' | 'code', files: readonly PlannedFile[], testsFrozen: boolean): WritePolicy {
  return phase === 'tests'
    ? { allowed: new Set(), allowTests: true }
    : { allowed: allowedPaths(files), patterns: allowedPatterns(files), allowTests: !testsFrozen };
}

/**
 * Puts the item's branch back where lldflow left it, whatever git commands the agent ran: HEAD on the
 * branch again (without touching the files), and the branch at lldflow's last commit with the agent's
 * commits undone into the index, so their changes are governed like any other.
 */
export async function restoreBranch(worktree: string, branch: string, expectedHead: string, signal?: AbortSignal): Promise<boolean> {
  const head = (await runGit(['rev-parse', 'HEAD'], { cwd: worktree, signal })).stdout.trim();
  const onBranch = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd: worktree, signal }).then(
    ({ stdout }) => stdout.trim() === `refs/heads/${branch}`,
    () => false,
  );
  if (head === expectedHead && onBranch) return false;
  if (!onBranch) await runGit(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], { cwd: worktree, signal });
  await runGit(['reset', '--soft', expectedHead], { cwd: worktree, signal });
  return true;
}

/** Every change in the worktree against HEAD, new files included (ignored ones are not changes). */
export async function worktreeChanges(worktree: string, signal?: AbortSignal): Promise<WorktreeChange[]> {
  const { stdout } = await runGit(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { cwd: worktree, signal });
  const changes: WorktreeChange[] = [];
  for (const entry of stdout.split('\0')) {
    if (entry.length < 4) continue;
    const status = entry.slice(0, 2);
    const path = entry.slice(3);
    if (status === '??') changes.push({ path, kind: 'added', tracked: false });
    else if (status.includes('D')) changes.push({ path, kind: 'deleted', tracked: true });
    // Added to the index but not in HEAD: new, however the agent staged it.
    else if (status.startsWith('A')) changes.push({ path, kind: 'added', tracked: false });
    else changes.push({ path, kind: 'modified', tracked: true });
  }
  return changes;
}

/** The changes `policy` does not allow, each with why (the path-policy's words). */
export function disallowedChanges(changes: readonly WorktreeChange[], policy: WritePolicy): DisallowedChange[] {
  return changes.flatMap((change) => {
    const decision = checkWrite(change.path, policy);
    return decision.ok ? [] : [{ change, reason: decision.reason }];
  });
}

/** Puts every disallowed change back as HEAD has it: tracked files restored, new files removed. */
export async function revertChanges(worktree: string, disallowed: readonly DisallowedChange[], signal?: AbortSignal): Promise<void> {
  const tracked = disallowed.filter(({ change }) => change.tracked).map(({ change }) => change.path);
  const added = disallowed.filter(({ change }) => !change.tracked).map(({ change }) => change.path);
  if (tracked.length > 0) {
    await runGit(['restore', '--source=HEAD', '--staged', '--worktree', '--', ...tracked], { cwd: worktree, signal });
  }
  if (added.length > 0) {
    // Unstaged first: a new file the agent added to the index would otherwise come back with the next commit.
    await runGit(['rm', '--cached', '--quiet', '--ignore-unmatch', '--', ...added], { cwd: worktree, signal });
    for (const path of added) await rm(join(worktree, path), { force: true });
  }
}

/** What the agent is told in its next turn about what lldflow put back. */
export function describeReverts(
  phase: 'tests' | 'code',
  disallowed: readonly DisallowedChange[],
  testsFrozen: boolean,
): string | undefined {
  if (disallowed.length === 0) return undefined;
  const rule =
    phase === 'tests'
      ? 'In this phase only test files may change: the code comes after the tests have been seen to fail.'
      : `In this phase only the files of the LLD's section 2.1 may change${testsFrozen ? ', and the tests are frozen' : ' (and the tests)'}.`;
  const lines = disallowed.map(({ change, reason }) => `- ${change.path} (${change.kind}): ${reason}`);
  return [`lldflow reverted ${disallowed.length === 1 ? 'one change' : `${disallowed.length} changes`} you made:`, ...lines, rule].join(
    '\n',
  );
}
