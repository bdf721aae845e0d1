import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../../core/errors.js';

export type TemplateKind = 'lld' | 'issue';

const TEMPLATE_FILES: Record<TemplateKind, string> = {
  lld: 'lld-template.md',
  issue: 'issue-template.md',
};

/**
 * The built-in template of a kind, or the file at `overridePath` when the user names one (a
 * repository's own template). The built-in ones live in the package's `templates/` folder, found by
 * walking up from this module, so it works from `src/` under tsx and from the built `dist/`.
 */
export async function loadTemplate(kind: TemplateKind, overridePath?: string): Promise<string> {
  if (overridePath !== undefined) {
    try {
      return await readFile(overridePath, 'utf8');
    } catch (error) {
      throw new ConfigurationError(`--template ${overridePath}: cannot read the ${kind} template (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
    }
  }
  const root = await packageRoot(dirname(fileURLToPath(import.meta.url)));
  return readFile(join(root, 'templates', TEMPLATE_FILES[kind]), 'utf8');
}

/**
 * The nearest folder at or above `start` whose package.json is lldflow's. Read synchronously: it runs
 * once at start-up, when nothing else waits, and a few small reads beat as many event-loop round trips.
 */
export function packageRoot(start: string): Promise<string> {
  for (let directory = start; ; directory = dirname(directory)) {
    if (isLldflowPackage(join(directory, 'package.json'))) return Promise.resolve(directory);
    if (dirname(directory) === directory) break;
  }
  return Promise.reject(new Error(`cannot find the lldflow package (a package.json named "lldflow") above ${start}`));
}

function isLldflowPackage(path: string): boolean {
  try {
    const manifest: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof manifest === 'object' && manifest !== null && (manifest as { name?: unknown }).name === 'lldflow';
  } catch {
    return false;
  }
}
