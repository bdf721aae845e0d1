import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A file that could not be written (disk full, read-only or unwritable folder): names the file and the errno code. */
export class FileWriteError extends Error {
  override readonly name = 'FileWriteError';
  /** The errno code (`ENOSPC`, `EACCES`, `EROFS`, …), or undefined when the cause had none. */
  readonly code: string | undefined;
  /** What went wrong, in words: `no space left on device`. */
  readonly reason: string;

  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const code = errnoCode(cause);
    const reason = describeCause(cause);
    super(`could not write ${path}: ${reason}${code === undefined ? '' : ` (${code})`}`, { cause });
    this.code = code;
    this.reason = reason;
  }
}

/**
 * Writes a file so that readers see either the old content or the whole new content, never a part:
 * a temporary file beside the target, then a rename (atomic on one file system). On every failure the
 * temporary file is removed and a FileWriteError names the target; one left by a killed process is
 * removed by `removeStaleTemporaries`.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw new FileWriteError(path, isMissingFolder(error) ? whyFolderIsMissing(dirname(path), error) : error);
  }
  const temporary = temporaryPathFor(path);
  inFlight.add(temporary);
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    // The original error is the one to report; a temporary that cannot be removed either is left to the exit hook.
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new FileWriteError(path, isMissingFolder(error) ? whyFolderIsMissing(dirname(path), error) : error);
  } finally {
    inFlight.delete(temporary);
  }
}

/**
 * A recursive mkdir on a read-only file system fails with ENOENT (Node's, not the system's), and so
 * does a write into a folder that vanished; creating the first missing folder alone gives the real
 * reason (EROFS, EACCES).
 */
function whyFolderIsMissing(folder: string, original: unknown): unknown {
  if (errnoCode(original) === 'EEXIST') {
    // `mkdir -p` through a file: name the file.
    let blocking = folder;
    while (!existsSync(blocking) && dirname(blocking) !== blocking) blocking = dirname(blocking);
    return Object.assign(new Error(`ENOTDIR: ${blocking} is a file, not a folder`), { code: 'ENOTDIR' });
  }
  let missing = folder;
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  if (existsSync(missing)) return original;
  try {
    mkdirSync(missing);
    return original;
  } catch (error) {
    return error;
  }
}

function isMissingFolder(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'EEXIST';
}

/** Creates a folder and its parents; a FileWriteError naming it and the real errno when it cannot be. */
export function createFolderSync(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new FileWriteError(folder, isMissingFolder(error) ? whyFolderIsMissing(folder, error) : error);
  }
}

/** Temporary files being written by this process, removed at exit if the process ends mid-write. */
const inFlight = new Set<string>();
let exitHookInstalled = false;
let temporaryFiles = 0;

/** Unique per process (a counter) and between processes (the pid); cheaper than random bytes per write. */
function temporaryPathFor(path: string): string {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A process that exits mid-write (the interrupt deadline, the CLI's own exit) leaves no temporary file.
    process.once('exit', removeInFlightTemporaries);
  }
  temporaryFiles += 1;
  return `${path}.${process.pid}.${temporaryFiles}.tmp`;
}

function removeInFlightTemporaries(): void {
  for (const temporary of inFlight) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Exiting: nothing left to report to.
    }
  }
  inFlight.clear();
}

/** `<target>.<pid>.<counter>.tmp`, as `temporaryPathFor` names them. */
const TEMPORARY_NAME = /^(.+)\.(\d+)\.(\d+)\.tmp$/;

/** A temporary file this old is abandoned whoever wrote it: a write takes milliseconds. */
const ABANDONED_AFTER_MS = 5 * 60_000;

export interface TemporaryFile {
  path: string;
  /** The file the write was for. */
  target: string;
  /** Left by a process that is gone (or by this one, or long ago): safe to delete. */
  stale: boolean;
}

/** The temporary files of atomic writes in one folder (not below it); none when the folder cannot be read. */
export function findTemporaries(directory: string, now: number = Date.now()): TemporaryFile[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  const found: TemporaryFile[] = [];
  for (const name of names) {
    const match = TEMPORARY_NAME.exec(name);
    if (!match) continue;
    const path = join(directory, name);
    found.push({ path, target: join(directory, match[1]!), stale: isStale(path, Number(match[2]), now) });
  }
  return found;
}

/**
 * Removes the temporary files a killed or failed write left in `directory` (never one another live
 * process is writing); returns the paths removed. Errors are ignored: this is tidying, not the write.
 */
export function removeStaleTemporaries(directory: string, now: number = Date.now()): string[] {
  const removed: string[] = [];
  for (const temporary of findTemporaries(directory, now)) {
    if (!temporary.stale) continue;
    try {
      rmSync(temporary.path, { force: true });
      removed.push(temporary.path);
    } catch {
      // Left for the next run (or `lldflow status` names it).
    }
  }
  return removed;
}

function isStale(path: string, pid: number, now: number): boolean {
  if (inFlight.has(path)) return false;
  // Our own pid on a file we are not writing: an earlier process that had the same pid (containers reuse them).
  if (pid === process.pid || !isAlive(pid)) return true;
  try {
    return now - statSync(path).mtimeMs > ABANDONED_AFTER_MS;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return errnoCode(error) === 'EPERM';
  }
}

function errnoCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** `ENOSPC: no space left on device, write` → `no space left on device`. */
function describeCause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = errnoCode(error);
  const withoutCode = code !== undefined && message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message;
  return withoutCode.replace(/, (open|write|rename|mkdir|close|fsync|unlink) '[^']*'( -> '[^']*')?$|, (write|close|fsync)$/, '');
}

/** The file name an atomic write of `path` would leave behind (for tests and `status`). */
export function isTemporaryName(name: string): boolean {
  return TEMPORARY_NAME.test(basename(name));
}
