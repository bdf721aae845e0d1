import { readFileSync, statSync, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { compareItemIds } from '../core/compare-item-ids.js';
import { ITEM_ID_RULE, itemIdKey, itemIdProblem, validateItemId } from '../core/item-id.js';
import type { RefusedItem } from '../core/items.js';
import { lldFileName } from '../core/paths.js';
import { itemSizeProblem, type SourceItem } from './source-item.js';

export interface SourceFolderOptions {
  /** Exactly these items; an id without a file, or whose file cannot be an item, is a UsageError. Default: every item in the folder. */
  ids?: string[];
  /**
   * Derive the id from the slug of a file name that is not a valid id (`Dark mode.md` → `dark-mode`),
   * as briefs are named by people. Default false: such files are invalid.
   */
  slugNames?: boolean;
  /** A file above this many bytes is not read: its item is refused as failed, naming the file. Default: no limit. */
  maxItemBytes?: number;
}

export interface SourceFolderResult {
  /** Sorted by id, numeric ids numerically. */
  items: SourceItem[];
  /**
   * What will not run, with why; the caller decides how to report them. Every markdown file that cannot
   * be an item (`invalid`, by its file name: only when every item is read) and every item above the
   * size limit (`failed`, by its id).
   */
  refused: RefusedItem[];
}

const MAX_SLUG_LENGTH = 64;
const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** Why a file is not an item: it cannot be one (`invalid`), or it is one that is refused (`failed`: too large). */
interface FileProblem {
  status: RefusedItem['status'];
  problem: string;
}

/**
 * Reads one markdown file per item (`<id>.md`) from `dir`. Two files that name one item (the same id,
 * numeric ids equal but for leading zeros, ids differing only in case) are a UsageError naming both.
 */
export async function readSourceFolder(dir: string, options: SourceFolderOptions = {}): Promise<SourceFolderResult> {
  const folder = resolve(dir);
  const { files, invalid } = await indexFolder(folder, dir, options.slugNames ?? false);
  const read = (id: string, file: string): SourceItem | FileProblem =>
    readItemFile(join(folder, file), join(dir, file), id, options.maxItemBytes);
  const items: SourceItem[] = [];
  const refused: RefusedItem[] = [];

  if (options.ids !== undefined) {
    for (const id of new Set(options.ids)) {
      validateItemId(id);
      const file = files.get(id);
      if (file === undefined) {
        throw new UsageError(`no item ${JSON.stringify(id)} in ${dir}: expected a file ${id}.md there`);
      }
      const parsed = read(id, file);
      if (!('problem' in parsed)) items.push(parsed);
      else if (parsed.status === 'failed') refused.push({ id, title: id, status: 'failed', reason: parsed.problem });
      else throw new UsageError(`item ${JSON.stringify(id)} in ${dir} cannot be read (${file}): ${parsed.problem}`);
    }
  } else {
    refused.push(...invalid);
    for (const [id, file] of files) {
      const parsed = read(id, file);
      if (!('problem' in parsed)) items.push(parsed);
      else if (parsed.status === 'failed') refused.push({ id, title: id, status: 'failed', reason: parsed.problem });
      else refused.push({ id: file, title: '', status: 'invalid', reason: parsed.problem });
    }
  }
  refused.sort((left, right) => compareItemIds(left.id, right.id));
  return { items: items.sort((left, right) => compareItemIds(left.id, right.id)), refused };
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

/** Maps each id to its file name; files that cannot have an id are `invalid`; two files of one item throw. */
async function indexFolder(
  folder: string,
  shownDir: string,
  slugNames: boolean,
): Promise<{ files: Map<string, string>; invalid: RefusedItem[] }> {
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
  const byKey = new Map<string, { id: string; file: string }>();
  const invalid: RefusedItem[] = [];
  const names = entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && extname(entry.name).toLowerCase() === '.md')
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    const stem = name.slice(0, -'.md'.length);
    const problem = itemIdProblem(stem);
    const id = problem === undefined ? stem : slugNames ? slugify(stem) : undefined;
    if (id === undefined) {
      const reason = `${JSON.stringify(stem)} is not a valid item id: it ${problem ?? 'is not one'} (${ITEM_ID_RULE})`;
      invalid.push({ id: name, title: '', status: 'invalid', reason });
      continue;
    }
    const taken = byKey.get(itemIdKey(id));
    if (taken !== undefined) throw new UsageError(oneItemTwice(shownDir, taken, { id, file: name }));
    byKey.set(itemIdKey(id), { id, file: name });
    files.set(id, name);
  }
  return { files, invalid };
}

function oneItemTwice(dir: string, first: { id: string; file: string }, second: { id: string; file: string }): string {
  const ids = `ids ${JSON.stringify(first.id)} and ${JSON.stringify(second.id)}`;
  const why =
    first.id === second.id
      ? `both have the id ${JSON.stringify(first.id)}`
      : /^\d+$/.test(first.id)
        ? `${ids} are the same number: both become ${lldFileName(second.id)}`
        : `${ids} differ only in letter case: one file on macOS and Windows`;
  return `two files in ${dir} are one item: ${first.file} and ${second.file} (${why}); rename or remove one`;
}

/**
 * The item, or why the file cannot be one. Read synchronously: this is planning, before any item runs,
 * and a small file read at once costs less than its event-loop round trips (four per async read). A
 * file above the size limit is not read at all.
 */
function readItemFile(path: string, shownPath: string, id: string, maxItemBytes: number | undefined): SourceItem | FileProblem {
  const invalid = (problem: string): FileProblem => ({ status: 'invalid', problem });
  let bytes: Buffer;
  try {
    const tooLarge = itemSizeProblem(shownPath, statSync(path).size, maxItemBytes);
    if (tooLarge !== undefined) return { status: 'failed', problem: tooLarge };
    bytes = readFileSync(path);
  } catch (error) {
    return invalid(`cannot read the file: ${(error as Error).message}`);
  }
  if (bytes.includes(0)) return invalid('the file is binary (it holds NUL bytes), not markdown text');
  let text: string;
  try {
    // The decoder drops a byte-order mark.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return invalid('the file is not UTF-8 text (a binary file?), not markdown text');
  }

  const frontMatter = FRONT_MATTER.exec(text);
  const body = (frontMatter === null ? text : text.slice(frontMatter[0].length)).replace(/^\s*\n/, '').trimEnd();
  let fields: Record<string, unknown> = {};
  if (frontMatter !== null) {
    const parsed = parseFrontMatter(frontMatter[1] ?? '');
    if (typeof parsed === 'string') {
      return invalid(parsed);
    }
    fields = parsed;
  }

  const title = fieldAsTitle(fields.title);
  const labels = fieldAsLabels(fields.labels);
  if (title === null) {
    return invalid('front matter "title" must be text');
  }
  if (labels === undefined) {
    return invalid('front matter "labels" must be a list of names or a comma-separated text');
  }
  if (body.trim() === '') {
    return invalid(`the file ${frontMatter === null ? 'is empty' : 'holds only front matter'}: there is nothing to draft from`);
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
