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

let temporaryFiles = 0;

/** Unique per process (a counter) and between processes (the pid); cheaper than random bytes per write. */
function temporaryPathFor(path: string): string {
  temporaryFiles += 1;
  return `${path}.${process.pid}.${temporaryFiles}.tmp`;
}
