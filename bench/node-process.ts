import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (bench/ sits directly under it). */
export const REPOSITORY_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Node's arguments that run a TypeScript entry. The tsx loader is given by URL: `--import tsx` would
 * resolve from the child's working directory, which may be a temporary repository.
 */
export function typescriptExecArgv(extra: readonly string[] = []): string[] {
  const loader = pathToFileURL(join(REPOSITORY_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return [...extra, '--import', loader];
}

/** Absolute path of a file under bench/. */
export function benchFile(...parts: string[]): string {
  return join(REPOSITORY_ROOT, 'bench', ...parts);
}
