import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a file so that readers see either the old content or the whole new content, never a part:
 * a temporary file beside the target, then a rename (atomic on one file system).
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryPathFor(path);
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * writeFileAtomic for the small files a running item writes between model calls (lineage entries,
 * the finished document). Measured with ten items answered at once: each async file operation waits
 * for its turn on the shared event loop, so one lineage file took 5–50 ms to land and held back the
 * item's next request; written synchronously it costs ~0.1 ms (one page-cache copy, no fsync).
 */
export function writeSmallFileAtomicSync(path: string, content: string): void {
  const temporary = temporaryPathFor(path);
  try {
    writeFileSync(temporary, content);
  } catch (error) {
    // The folder usually exists already (a lineage folder gets several files): create it only when missing.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, content);
  }
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

let temporaryFiles = 0;

/** Unique per process (a counter) and between processes (the pid); cheaper than random bytes per write. */
function temporaryPathFor(path: string): string {
  temporaryFiles += 1;
  return `${path}.${process.pid}.${temporaryFiles}.tmp`;
}
