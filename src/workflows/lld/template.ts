import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '../../core/errors.js';
import { lldflowPackage } from '../../core/lldflow-package.js';

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
      throw new ConfigurationError(
        `--template ${overridePath}: cannot read the ${kind} template (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        { cause: error },
      );
    }
  }
  return readFile(join(lldflowPackage().root, 'templates', TEMPLATE_FILES[kind]), 'utf8');
}
