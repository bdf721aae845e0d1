import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import { repositoryPaths } from '../core/paths.js';

/**
 * Everything an item wrote in a worker's scratch repository (its design, its lineage), as files
 * relative to the repository: the worker sends them back and the submitter writes them into its own.
 * lldflow's local state is not an output.
 */
export async function collectOutputFiles(scratch: string): Promise<Array<{ path: string; content: string }>> {
  const entries = await readdir(scratch, { recursive: true, withFileTypes: true });
  const files: Array<{ path: string; content: string }> = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = relative(scratch, join(entry.parentPath, entry.name)).split(sep).join('/');
    if (path === repositoryPaths.localState || path.startsWith(`${repositoryPaths.localState}/`)) continue;
    files.push({ path, content: await readFile(join(scratch, path), 'utf8') });
  }
  return files.sort((left, right) => left.path.localeCompare(right.path));
}

/**
 * Writes a worker's output files into the submitter's repository, each atomically. Only paths inside
 * lldflow's documents folder are taken: a job's result never writes anywhere else in the repository.
 */
export async function writeOutputFiles(repo: string, files: ReadonlyArray<{ path: string; content: string }>): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    if (!isDocumentPath(file.path))
      throw new Error(`a fleet result holds ${JSON.stringify(file.path)}, outside ${repositoryPaths.documents}/`);
    const target = join(repo, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, file.content);
    written.push(file.path);
  }
  return written;
}

function isDocumentPath(path: string): boolean {
  if (isAbsolute(path) || path.split('/').some((part) => part === '..' || part === '')) return false;
  return path.startsWith(`${repositoryPaths.documents}/`);
}
