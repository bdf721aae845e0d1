import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryPaths } from '../core/paths.js';

const run = promisify(execFile);
const SKIPPED = new Set(['.git', 'node_modules', repositoryPaths.localState, 'dist', 'build', '.venv', '__pycache__']);
const WALK_LIMIT = 20000;

/**
 * lldflow's own files, which say nothing about the project: the audit trail, local state, and the
 * briefs of the issue workflow. Models shown them design against lldflow's output instead of the code.
 */
const LLDFLOW_STATE = [`${repositoryPaths.localState}/`, `${repositoryPaths.documents}/lineage/`, 'ideas/'];
/** lldflow's outputs that are project documents too: kept, after the project's own files. */
const LLDFLOW_DOCUMENTS = [`${repositoryPaths.documents}/lld/`, `${repositoryPaths.documents}/reports/`];

/**
 * The target repository's files: the tracked and untracked-but-not-ignored files when it is a git
 * repository, else a bounded walk. lldflow's local state is never listed.
 */
export async function repositoryFiles(repo: string): Promise<string[]> {
  try {
    const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: repo,
      maxBuffer: 64 * 1024 * 1024,
    });
    const files = stdout.split('\n').filter((line) => line.length > 0 && !line.startsWith(`${repositoryPaths.localState}/`));
    if (files.length > 0) return files.sort();
  } catch {
    // Not a git repository (or git is missing): fall back to walking the folder.
  }
  const found: string[] = [];
  await walk(repo, '', 0, found, WALK_LIMIT);
  return found.sort();
}

export interface LayoutOptions {
  /** Further repository-relative folders to leave out (an item folder inside the repository). */
  exclude?: readonly string[];
  limit?: number;
}

/**
 * The files shown to models so drafters name real paths and reviewers judge them against the right
 * repository: the project's own files first, then lldflow's designs and reports; lldflow's audit
 * trail, state and item folders left out.
 */
export function layoutForModels(files: readonly string[], options: LayoutOptions = {}): string[] {
  const excluded = [...LLDFLOW_STATE, ...(options.exclude ?? []).map(asFolder).filter((folder) => folder !== '/')];
  const kept = files.filter((file) => !excluded.some((folder) => file.startsWith(folder)));
  const isDocument = (file: string): boolean => LLDFLOW_DOCUMENTS.some((folder) => file.startsWith(folder));
  return [...kept.filter((file) => !isDocument(file)), ...kept.filter(isDocument)].slice(0, options.limit ?? 2000);
}

/** `repositoryFiles` then `layoutForModels`. */
export async function repositoryLayout(repo: string, options: LayoutOptions = {}): Promise<string[]> {
  return layoutForModels(await repositoryFiles(repo), options);
}

function asFolder(path: string): string {
  const slashed = path.replace(/\\/g, '/').replace(/^\.\//, '');
  return slashed.endsWith('/') ? slashed : `${slashed}/`;
}

async function walk(root: string, relative: string, depth: number, found: string[], limit: number): Promise<void> {
  if (depth > 6 || found.length >= limit) return;
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  for (const entry of entries) {
    if (found.length >= limit) return;
    if (SKIPPED.has(entry.name)) continue;
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await walk(root, path, depth + 1, found, limit);
    else found.push(path);
  }
}
