import { columnIndex, findTables, plainCell } from './markdown-table.js';
import type { MarkdownTable } from './markdown-table.js';
import { findSection, findSubsection } from './sections.js';

export type ChangeType = 'add' | 'modify' | 'delete';

export interface FileChange {
  /** Relative to the repository root, `/`-separated, no `./`, no trailing `/`. */
  path: string;
  change: ChangeType;
  description: string;
  /** The row names a directory (`src/new/` or `Add (Directory)`), not a file. */
  directory: boolean;
}

export interface FilesChangedError {
  /** 1-based row number in the table body, when the error is about one row. */
  row?: number;
  message: string;
}

export interface FilesChanged {
  /** Whether a Files Changed table was found at all. */
  found: boolean;
  changes: FileChange[];
  errors: FilesChangedError[];
}

const PATH_COLUMN = [/^(file|path|file ?path|files?|filename)$/i, /file|path/i];
const CHANGE_COLUMN = [/^change( type)?$/i, /change|action|type|operation/i];
const DESCRIPTION_COLUMN = [/^description$/i, /description|purpose|notes?|details|summary|reason/i];

// Synonyms models use for the three change types; anything else is reported, not guessed.
const CHANGE_WORDS: Record<string, ChangeType> = {
  add: 'add',
  added: 'add',
  new: 'add',
  create: 'add',
  modify: 'modify',
  modified: 'modify',
  update: 'modify',
  edit: 'modify',
  delete: 'delete',
  deleted: 'delete',
  remove: 'delete',
};

/**
 * The section 2.1 Files Changed table. Looked for under `### 2.1` (or a heading naming Files Changed)
 * in section 2; failing that, the first table with a file and a change column anywhere in section 2
 * (or the document when section 2 is missing).
 */
export function parseFilesChanged(markdown: string): FilesChanged {
  const table = locateTable(markdown);
  if (!table) {
    return {
      found: false,
      changes: [],
      errors: [{ message: 'No Files Changed table found: section 2.1 needs a table with the columns | File | Change Type | Description |.' }],
    };
  }
  const pathColumn = columnIndex(table.header, PATH_COLUMN);
  const changeColumn = columnIndex(table.header, CHANGE_COLUMN);
  const descriptionColumn = columnIndex(table.header, DESCRIPTION_COLUMN);
  const changes: FileChange[] = [];
  const errors: FilesChangedError[] = [];
  const seen = new Map<string, { row: number; entry: FileChange }>();
  for (const [position, row] of table.rows.entries()) {
    const rowNumber = position + 1;
    const pathCell = row.cells[pathColumn] ?? '';
    const changeCell = row.cells[changeColumn] ?? '';
    if (row.cells.every((cell) => cell.trim() === '')) continue;
    const path = parsePathCell(pathCell);
    const change = parseChangeCell(changeCell);
    const label = pathCell.trim() === '' ? `Row ${rowNumber}` : `Row ${rowNumber} (${pathCell.trim()})`;
    if (!path.ok) errors.push({ row: rowNumber, message: `${label}: ${path.reason}` });
    if (!change.ok) errors.push({ row: rowNumber, message: `${label}: ${change.reason}` });
    if (!path.ok || !change.ok) continue;
    const description = descriptionColumn === -1 ? '' : (row.cells[descriptionColumn] ?? '').trim();
    const earlier = seen.get(path.path);
    // Drafters split one file's changes over several rows; that is only wrong when the rows disagree.
    if (earlier !== undefined) {
      if (earlier.entry.change !== change.change) {
        errors.push({
          row: rowNumber,
          message: `${label}: \`${path.path}\` is marked ${titleCase(change.change)} here but ${titleCase(earlier.entry.change)} in row ${earlier.row}; give each path one change type.`,
        });
      } else if (description !== '') {
        earlier.entry.description = earlier.entry.description === '' ? description : `${earlier.entry.description}; ${description}`;
      }
      continue;
    }
    const entry: FileChange = { path: path.path, change: change.change, description, directory: path.directory || change.directory };
    seen.set(path.path, { row: rowNumber, entry });
    changes.push(entry);
  }
  if (table.rows.length === 0) errors.push({ message: 'The Files Changed table has no rows: list every file the change adds, modifies or deletes.' });
  return { found: true, changes, errors };
}

function locateTable(markdown: string): MarkdownTable | undefined {
  const section = findSection(markdown, 2);
  const isFilesTable = (table: MarkdownTable): boolean =>
    columnIndex(table.header, PATH_COLUMN) !== -1 && columnIndex(table.header, CHANGE_COLUMN) !== -1;
  if (section) {
    const subsection = findSubsection(markdown, section, '2.1', /files? changed/i);
    if (subsection) {
      const inSubsection = findTables(subsection.body).find(isFilesTable);
      if (inSubsection) return inSubsection;
    }
    return findTables(section.body).find(isFilesTable);
  }
  return findTables(markdown).find(isFilesTable);
}

type PathResult = { ok: true; path: string; directory: boolean } | { ok: false; reason: string };

/** A path cell: one path, backticked or plain, optionally marked `(new)`. */
export function parsePathCell(cell: string): PathResult {
  let text = cell.trim().replace(/\((?:new|added)\)/gi, '').trim();
  text = text.replace(/^\[([^\]]*)\]\([^)]*\)$/, '$1').replace(/^(\*\*|__)(.*)\1$/, '$2').trim();
  const spans = [...text.matchAll(/`([^`]*)`/g)];
  let raw: string;
  if (spans.length > 0) {
    const rest = text.replace(/`[^`]*`/g, '').replace(/[\s,;.]+/g, '');
    if (spans.length > 1 || rest !== '') {
      return { ok: false, reason: 'the File cell must hold exactly one path (one row per file), without other text.' };
    }
    raw = spans[0]?.[1] ?? '';
  } else {
    raw = text;
    if (/\s/.test(raw)) return { ok: false, reason: 'the File cell must hold one path in backticks, e.g. `src/feature.ts`, without other text.' };
  }
  return normalisePath(raw.trim());
}

/** Repository-relative form of a path; absolute, `..` and wildcard paths are refused. */
export function normalisePath(raw: string): PathResult {
  if (raw === '') return { ok: false, reason: 'the path is empty.' };
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/') || slashed.startsWith('~') || /^[A-Za-z]:/.test(slashed)) {
    return { ok: false, reason: `\`${raw}\` is an absolute path; write it relative to the repository root.` };
  }
  if (/[*?]/.test(slashed)) {
    return { ok: false, reason: `\`${raw}\` is a wildcard; list each file on its own row.` };
  }
  const segments = slashed.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    return { ok: false, reason: `\`${raw}\` leaves the repository with '..'; write the path from the repository root.` };
  }
  if (segments.length === 0) return { ok: false, reason: `\`${raw}\` names no file.` };
  return { ok: true, path: segments.join('/'), directory: slashed.endsWith('/') };
}

type ChangeResult = { ok: true; change: ChangeType; directory: boolean } | { ok: false; reason: string };

/** `Add`, `Modify (future)`, `**Delete**`, `Add (Directory)`. */
export function parseChangeCell(cell: string): ChangeResult {
  const plain = plainCell(cell);
  const qualifiers = [...plain.matchAll(/\(([^)]*)\)/g)].map((match) => (match[1] ?? '').toLowerCase());
  const word = plain.replace(/\([^)]*\)/g, '').trim().toLowerCase();
  const change = CHANGE_WORDS[word];
  if (!change) {
    const shown = plain === '' ? 'an empty change type' : `unknown change type "${plain}"`;
    return { ok: false, reason: `${shown}: use exactly one of Add, Modify or Delete.` };
  }
  return { ok: true, change, directory: qualifiers.some((qualifier) => qualifier.includes('dir')) };
}

function titleCase(change: ChangeType): string {
  return change[0]?.toUpperCase() + change.slice(1);
}
