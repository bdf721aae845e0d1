import { lstat, realpath, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { repositoryPaths } from '../../core/paths.js';
import { globMatcher, isGlob } from '../lld/path-cell.js';
import type { FileOperation } from './file-blocks.js';

/** One row of the LLD's section 2.1 "Files Changed" table, as the LLD parser returns it. */
export interface FilesChangedEntry {
  path: string;
  change: 'add' | 'modify' | 'delete';
  description: string;
}

export interface WritePolicy {
  /** Normalised relative paths listed in section 2.1 (see `allowedPaths`). */
  allowed: ReadonlySet<string>;
  /** Globs listed in section 2.1 (`src/nodes/*.py`, see `allowedPatterns`): every path they match may be written. */
  patterns?: readonly string[];
  /** Whether test files may be written even when 2.1 does not list them (tests come first). */
  allowTests: boolean;
}

export type WriteDecision = { ok: true; relativePath: string } | { ok: false; reason: string };

/** The policy's `allowed` set from section 2.1 rows; rows whose path is unusable, and globs, are left out. */
export function allowedPaths(entries: ReadonlyArray<Pick<FilesChangedEntry, 'path'>>): Set<string> {
  const allowed = new Set<string>();
  for (const entry of entries) {
    if (isGlob(entry.path)) continue;
    const normalised = normaliseRelativePath(entry.path);
    if (normalised.ok) allowed.add(normalised.relativePath);
  }
  return allowed;
}

/** The policy's `patterns` from section 2.1 rows: the glob rows, in their normalised form. */
export function allowedPatterns(entries: ReadonlyArray<Pick<FilesChangedEntry, 'path'>>): string[] {
  return entries.flatMap((entry) => {
    if (!isGlob(entry.path)) return [];
    const normalised = normaliseRelativePath(entry.path);
    return normalised.ok ? [normalised.relativePath] : [];
  });
}

/**
 * Lexically normalises a path the model (or the LLD) wrote, relative to the worktree: backslashes are
 * separators, `.` and `..` are resolved. Absolute paths, drive letters and anything that climbs above
 * the worktree are refused, because the model's text decides where files land.
 */
export function normaliseRelativePath(path: string): WriteDecision {
  const trimmed = path.trim();
  if (trimmed === '') return { ok: false, reason: 'empty path' };
  if (trimmed.includes('\0')) return { ok: false, reason: 'path contains a NUL character' };
  const slashed = trimmed.replace(/\\/g, '/');
  if (/^[A-Za-z]:/.test(slashed)) return { ok: false, reason: `drive-letter path ${JSON.stringify(path)} is not allowed` };
  if (slashed.startsWith('/')) return { ok: false, reason: `absolute path ${JSON.stringify(path)} is not allowed` };
  if (slashed.endsWith('/')) return { ok: false, reason: `${JSON.stringify(path)} names a folder, not a file` };

  const segments: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return { ok: false, reason: `${JSON.stringify(path)} leads outside the worktree` };
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  if (segments.length === 0) return { ok: false, reason: `${JSON.stringify(path)} names the worktree itself` };
  return { ok: true, relativePath: segments.join('/') };
}

/** Decides whether the implementer may write (or delete) `path`. */
export function checkWrite(path: string, policy: WritePolicy): WriteDecision {
  const normalised = normaliseRelativePath(path);
  if (!normalised.ok) return normalised;
  const { relativePath } = normalised;
  const segments = relativePath.split('/');
  // Case-insensitive: on macOS and Windows `.GIT/config` is the same file.
  if (segments.some((segment) => segment.toLowerCase() === '.git')) {
    return { ok: false, reason: `${relativePath} is inside git's own data` };
  }
  if (segments[0]!.toLowerCase() === repositoryPaths.localState) {
    return { ok: false, reason: `${relativePath} is inside lldflow's local state` };
  }
  if (policy.allowed.has(relativePath)) return { ok: true, relativePath };
  if (policy.patterns?.some((pattern) => globMatcher(pattern)(relativePath))) return { ok: true, relativePath };
  if (policy.allowTests && isTestFile(relativePath)) return { ok: true, relativePath };
  return {
    ok: false,
    reason: `${relativePath} is not listed in the LLD's section 2.1 Files Changed table${policy.allowTests ? ' and is not a test file' : ''}`,
  };
}

const TEST_FOLDERS = new Set(['test', 'tests', '__tests__']);
const TEST_FILE_NAMES = [/\.test\.[^/]+$/, /\.spec\.[^/]+$/, /^test_.+\.py$/, /.+_test\.py$/, /.+_test\.go$/, /^conftest\.py$/];

/** Test files by the conventions of common runners (vitest/jest, pytest, go test). */
export function isTestFile(relativePath: string): boolean {
  const segments = relativePath.split('/');
  const name = segments[segments.length - 1]!;
  if (segments.slice(0, -1).some((segment) => TEST_FOLDERS.has(segment))) return true;
  return TEST_FILE_NAMES.some((pattern) => pattern.test(name));
}

export interface AppliedFileOperations {
  /** Relative paths written, in order. */
  written: string[];
  /** Relative paths deleted, in order. */
  deleted: string[];
  /** Operations not carried out, with why; nothing was written or deleted for them. */
  refused: Array<{ path: string; reason: string }>;
}

/**
 * Carries out the implementer's operations inside `worktree`, each checked by `checkWrite` first and
 * against symbolic links that would lead a write outside the worktree. Each file is written atomically.
 */
export async function applyFileOperations(
  worktree: string,
  operations: readonly FileOperation[],
  policy: WritePolicy,
): Promise<AppliedFileOperations> {
  const root = await realpath(worktree);
  const result: AppliedFileOperations = { written: [], deleted: [], refused: [] };
  for (const operation of operations) {
    const decision = checkWrite(operation.path, policy);
    if (!decision.ok) {
      result.refused.push({ path: operation.path, reason: decision.reason });
      continue;
    }
    const target = join(root, ...decision.relativePath.split('/'));
    const problem = await escapesThroughLink(root, dirname(target));
    if (problem) {
      result.refused.push({ path: operation.path, reason: `${decision.relativePath}: ${problem}` });
      continue;
    }
    const existing = await lstat(target).catch(() => undefined);
    if (existing?.isDirectory()) {
      result.refused.push({ path: operation.path, reason: `${decision.relativePath} is a folder` });
      continue;
    }
    if (operation.kind === 'delete') {
      if (!existing) {
        result.refused.push({ path: operation.path, reason: `${decision.relativePath} does not exist` });
        continue;
      }
      // A symbolic link is removed itself, never what it points at.
      await rm(target);
      result.deleted.push(decision.relativePath);
    } else {
      // The rename inside writeFileAtomic replaces a link at the target rather than following it.
      await writeFileAtomic(target, operation.content);
      result.written.push(decision.relativePath);
    }
  }
  return result;
}

/**
 * Why writing into `folder` would leave `root`, or undefined when it would not. The deepest folder
 * that exists is resolved (folders below it will be created as real folders, not links).
 */
async function escapesThroughLink(root: string, folder: string): Promise<string | undefined> {
  let existing = folder;
  for (;;) {
    try {
      const resolved = await realpath(existing);
      if (isInside(root, resolved)) return undefined;
      return `a symbolic link leads outside the worktree (${relative(root, existing) || '.'} → outside)`;
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR'))) throw error;
      if ((await lstat(existing).catch(() => undefined))?.isSymbolicLink()) {
        return `a symbolic link leads to a missing place (${relative(root, existing)})`;
      }
      const parent = dirname(existing);
      if (parent === existing) return 'no part of the path exists';
      // A file where a folder is needed: the write would fail, so refuse it plainly.
      if (error.code === 'ENOTDIR') return 'a file stands where a folder is needed';
      existing = parent;
    }
  }
}

function isInside(root: string, path: string): boolean {
  const fromRoot = relative(root, path);
  return fromRoot === '' || (!fromRoot.startsWith(`..${sep}`) && fromRoot !== '..' && !isAbsolute(fromRoot));
}
