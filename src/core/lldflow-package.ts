import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** lldflow's own package: where it is installed (its `templates/` and `demo/` live there) and its version. */
export interface LldflowPackage {
  root: string;
  version: string;
}

/**
 * The nearest package.json named `lldflow` at or above `start` (default: this module's folder), so it
 * works from `src/` under tsx and from the built `dist/`. Read synchronously: it runs once at start-up,
 * when nothing else waits. Throws when there is none.
 */
export function lldflowPackage(start = dirname(fileURLToPath(import.meta.url))): LldflowPackage {
  for (let directory = start; ; directory = dirname(directory)) {
    const version = lldflowVersion(join(directory, 'package.json'));
    if (version !== undefined) return { root: directory, version };
    if (dirname(directory) === directory) break;
  }
  throw new Error(`cannot find the lldflow package (a package.json named "lldflow") above ${start}`);
}

/** The version of the package.json at `path` when it is lldflow's, else undefined. */
function lldflowVersion(path: string): string | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof manifest !== 'object' || manifest === null) return undefined;
  const { name, version } = manifest as { name?: unknown; version?: unknown };
  return name === 'lldflow' ? (typeof version === 'string' ? version : 'unknown') : undefined;
}
