import { readFileSync, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { compareItemIds } from '../core/compare-item-ids.js';
import { isValidItemId, validateItemId } from '../core/item-id.js';
import type { SourceItem } from './source-item.js';

export interface SourceFolderOptions {
  /** Exactly these items; an id without a file is a UsageError. Default: every item in the folder. */
  ids?: string[];
  /**
   * Derive the id from the slug of a file name that is not a valid id (`Dark mode.md` → `dark-mode`),
   * as briefs are named by people. Default false: such files are skipped and reported.
   */
  slugNames?: boolean;
}

export interface SkippedFile {
  /** The file name inside the folder. */
  file: string;
  reason: string;
}

export interface SourceFolderResult {
  /** Sorted by id, numeric ids numerically. */
  items: SourceItem[];
  /** Markdown files that could not become items, with why; the caller decides how to report them. */
  skipped: SkippedFile[];
}

const MAX_SLUG_LENGTH = 64;
const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** Reads one markdown file per item (`<id>.md`) from `dir`. */
export async function readSourceFolder(dir: string, options: SourceFolderOptions = {}): Promise<SourceFolderResult> {
  const folder = resolve(dir);
  const { files, skipped } = await indexFolder(folder, dir, options.slugNames ?? false);

  if (options.ids !== undefined) {
    const items: SourceItem[] = [];
    for (const id of new Set(options.ids)) {
      validateItemId(id);
      const file = files.get(id);
      if (file === undefined) {
        throw new UsageError(`no item ${JSON.stringify(id)} in ${dir}: expected a file ${id}.md there`);
      }
      const parsed = readItemFile(folder, file, id);
      if (typeof parsed === 'string') {
        throw new UsageError(`item ${JSON.stringify(id)} in ${dir} cannot be read (${file}): ${parsed}`);
      }
      items.push(parsed);
    }
    return { items: items.sort((left, right) => compareItemIds(left.id, right.id)), skipped: [] };
  }

  const items: SourceItem[] = [];
  for (const [id, file] of files) {
    const parsed = readItemFile(folder, file, id);
    if (typeof parsed === 'string') {
      skipped.push({ file, reason: parsed });
    } else {
      items.push(parsed);
    }
  }
  skipped.sort((left, right) => compareItemIds(left.file, right.file));
  return { items: items.sort((left, right) => compareItemIds(left.id, right.id)), skipped };
}

/**
 * A title turned into an item id: lowercase ASCII letters, digits and single dashes, at most 64
 * characters; `untitled` when nothing usable is left.
 */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
  return slug === '' ? 'untitled' : slug;
}

/** Maps each id to its file name; files that cannot have an id go to `skipped`. */
async function indexFolder(
  folder: string,
  shownDir: string,
  slugNames: boolean,
): Promise<{ files: Map<string, string>; skipped: SkippedFile[] }> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ConfigurationError(`item folder ${shownDir} does not exist or is not a folder`);
    }
    throw new ConfigurationError(`cannot read item folder ${shownDir}: ${(error as Error).message}`);
  }

  const files = new Map<string, string>();
  const skipped: SkippedFile[] = [];
  const names = entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && extname(entry.name).toLowerCase() === '.md')
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    const stem = name.slice(0, -'.md'.length);
    const id = isValidItemId(stem) ? stem : slugNames ? slugify(stem) : undefined;
    if (id === undefined) {
      skipped.push({ file: name, reason: `${JSON.stringify(stem)} is not a valid item id (letters, digits, '_' or '-', at most 64)` });
      continue;
    }
    const taken = files.get(id);
    if (taken !== undefined) {
      skipped.push({ file: name, reason: `its id ${JSON.stringify(id)} is already used by ${taken}` });
      continue;
    }
    files.set(id, name);
  }
  return { files, skipped };
}

/**
 * The item, or why the file cannot be one. Read synchronously: this is planning, before any item runs,
 * and a small file read at once costs less than its event-loop round trips (four per async read).
 */
function readItemFile(folder: string, file: string, id: string): SourceItem | string {
  const path = join(folder, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    return `cannot read the file: ${(error as Error).message}`;
  }

  const frontMatter = FRONT_MATTER.exec(text);
  const body = (frontMatter === null ? text : text.slice(frontMatter[0].length)).replace(/^\s*\n/, '').trimEnd();
  let fields: Record<string, unknown> = {};
  if (frontMatter !== null) {
    const parsed = parseFrontMatter(frontMatter[1] ?? '');
    if (typeof parsed === 'string') {
      return parsed;
    }
    fields = parsed;
  }

  const title = fieldAsTitle(fields.title);
  const labels = fieldAsLabels(fields.labels);
  if (title === null) {
    return 'front matter "title" must be text';
  }
  if (labels === undefined) {
    return 'front matter "labels" must be a list of names or a comma-separated text';
  }
  return { id, title: title ?? firstHeading(body) ?? id, body, labels, path };
}

function parseFrontMatter(source: string): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    // The YAML 1.2 core schema: `title: 2024-01-01` stays text, as in any YAML 1.2 reader.
    parsed = loadYaml(source, { schema: CORE_SCHEMA });
  } catch (error) {
    return `invalid YAML front matter: ${(error as Error).message.split('\n')[0] ?? ''}`;
  }
  if (parsed === null || parsed === undefined) {
    return {};
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    return 'front matter must be a YAML mapping (title: …, labels: […])';
  }
  return parsed as Record<string, unknown>;
}

/** undefined when absent, null when present but unusable. */
function fieldAsTitle(value: unknown): string | null | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === 'string' || typeof value === 'number') {
    const title = String(value).trim();
    return title === '' ? undefined : title;
  }
  return null;
}

function fieldAsLabels(value: unknown): string[] | undefined {
  if (value === undefined || value === null) {
    return [];
  }
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (list === undefined || !list.every((label) => typeof label === 'string' || typeof label === 'number')) {
    return undefined;
  }
  return list.map((label) => String(label).trim()).filter((label) => label !== '');
}

/** The first level-one ATX heading outside fenced code blocks. */
function firstHeading(body: string): string | undefined {
  let fence: string | undefined;
  for (const line of body.split(/\r?\n/)) {
    const fenceMark = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fenceMark !== undefined) {
      if (fence === undefined) {
        fence = fenceMark;
      } else if (fenceMark[0] === fence[0] && fenceMark.length >= fence.length) {
        fence = undefined;
      }
      continue;
    }
    const heading = fence === undefined ? /^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)?.[1] : undefined;
    if (heading !== undefined && heading.trim() !== '') {
      return heading.trim();
    }
  }
  return undefined;
}
