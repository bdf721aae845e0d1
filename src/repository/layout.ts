import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SKIPPED = new Set(['.git', 'node_modules', '.lldflow', 'dist', 'build', '.venv', '__pycache__']);

/**
 * The target repository's files, so drafters name real paths and reviewers judge them against the
 * right repository: the tracked files when it is a git repository, else a bounded walk.
 */
export async function repositoryLayout(repo: string, limit = 2000): Promise<string[]> {
  try {
    const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
    const files = stdout.split('\n').filter((line) => line.length > 0 && !line.startsWith('.lldflow/'));
    if (files.length > 0) return files.sort().slice(0, limit);
  } catch {
    // Not a git repository (or git is missing): fall back to walking the folder.
  }
  const found: string[] = [];
  await walk(repo, '', 0, found, limit);
  return found.sort();
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
