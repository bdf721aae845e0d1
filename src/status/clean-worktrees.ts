import { existsSync, realpathSync } from 'node:fs';
import type { LeaseHolder } from '../checkpoints/item-lease.js';
import { isValidItemId } from '../core/item-id.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { isGitRepository, runGit } from '../git/git.js';
import { implementationBranch } from '../git/worktree.js';
import type { CleanEntry } from './clean-entry.js';
import { readFolder } from './state-files.js';
import type { ItemStatusRow } from './status-row.js';

/**
 * Every folder under `.lldflow/worktrees/`, as `lldflow clean --worktrees` sees it: the worktree of an
 * implementation that succeeded goes (its branch stays), with the coding agent's sessions of the item;
 * one with uncommitted changes, one a live run holds and one of an unfinished item stay, saying why.
 */
export async function planWorktrees(
  repo: string,
  rows: readonly ItemStatusRow[],
  held: ReadonlyMap<string, LeaseHolder>,
): Promise<CleanEntry[]> {
  const names = readFolder(inRepository(repo, repositoryPaths.worktreesFolder)).filter(isValidItemId).sort();
  if (names.length === 0 || !(await isGitRepository(repo))) return [];
  const registered = await registeredWorktrees(repo);
  const entries: CleanEntry[] = [];
  for (const id of names) {
    const path = repositoryPaths.worktree(id);
    const absolute = inRepository(repo, path);
    const item = { workflow: 'implement' as const, id };
    const entry = (keep?: string): CleanEntry => ({
      target: 'worktree',
      path,
      ...item,
      what: `worktree of branch ${implementationBranch(id)}`,
      ...(keep === undefined ? {} : { keep }),
    });
    const holder = held.get(`implement:${id}`);
    if (!registered.has(canonical(absolute))) {
      entries.push({
        target: 'folder',
        path,
        ...item,
        what: 'folder that is not a git worktree',
        keep: 'not made by git: look at it and remove it by hand',
      });
      continue;
    }
    if (holder) {
      entries.push(entry(`an lldflow run works in it (pid ${holder.pid}, run ${holder.runId})`));
      continue;
    }
    const row = rows.find((candidate) => candidate.workflow === 'implement' && candidate.id === id);
    if (row?.lastResult !== 'succeeded') {
      const result = row === undefined ? 'no run of it is recorded' : `its last result is ${row.lastResult} at stage ${row.stage}`;
      entries.push(entry(`the implementation is not finished (${result}): a later run works on in it`));
      continue;
    }
    const changes = await uncommittedChanges(absolute);
    if (changes.length > 0) {
      entries.push(entry(`uncommitted changes: ${listed(changes)}`));
      continue;
    }
    entries.push(entry());
    const agentState = repositoryPaths.agentState(id);
    if (existsSync(inRepository(repo, agentState))) {
      entries.push({ target: 'folder', path: agentState, ...item, what: "the coding agent's sessions of a finished implementation" });
    }
  }
  return entries;
}

/** What `git status` shows in the worktree: modified, staged and untracked paths (ignored files do not count). */
export async function uncommittedChanges(worktree: string): Promise<string[]> {
  const { stdout } = await runGit(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: worktree });
  const paths: string[] = [];
  const entries = stdout.split('\0');
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    if (entry === '') continue;
    paths.push(entry.slice(3));
    // A rename or copy is followed by its source path.
    if (/[RC]/.test(entry.slice(0, 2))) index++;
  }
  return paths;
}

/** Removes a clean worktree (never with --force: git refuses one with changes); its branch stays. */
export async function removeWorktree(repo: string, worktree: string): Promise<void> {
  await runGit(['worktree', 'remove', worktree], { cwd: repo });
}

function listed(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} (+${paths.length - 3} more)` : shown;
}

async function registeredWorktrees(repo: string): Promise<Set<string>> {
  const { stdout } = await runGit(['worktree', 'list', '--porcelain'], { cwd: repo });
  const paths = stdout.split('\n').flatMap((line) => (line.startsWith('worktree ') ? [canonical(line.slice('worktree '.length))] : []));
  return new Set(paths);
}

/** Temporary folders are often behind symbolic links: compare real paths. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
