import { canonicalWord, parseChangeCell, type ChangeType } from './change-type.js';
import { columnIndex, findTables } from './markdown-table.js';
import type { MarkdownTable } from './markdown-table.js';
import { parsePathCell } from './path-cell.js';
import { findSection, findSubsection } from './sections.js';

export type { ChangeType } from './change-type.js';

export interface FileChange {
  /** Relative to the repository root, `/`-separated, no `./`, no trailing `/`; may be a glob. */
  path: string;
  change: ChangeType;
  description: string;
  /** The row names a directory (`src/new/` or `Add (Directory)`), not a file. */
  directory: boolean;
  /** The path holds wildcards (`nodes/*.py`): it stands for every file it matches. */
  glob: boolean;
}

/** A row that names a path without changing it (`Exists (Directory)`, `Unchanged`). */
export interface ContextRow {
  path: string;
  label: string;
}

/** A row that describes a set of files instead of naming them (`All files importing \`x\``). */
export interface DescribedRow {
  text: string;
  change: ChangeType;
  description: string;
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
  context: ContextRow[];
  described: DescribedRow[];
  errors: FilesChangedError[];
}

export const PATH_COLUMN = [/^(file|path|file ?path|files?|filename)$/i, /file|path/i];
export const CHANGE_COLUMN = [/^change( type)?$/i, /change|action|type|operation/i];
const DESCRIPTION_COLUMN = [/^description$/i, /description|purpose|notes?|details|summary|reason/i];

/**
 * The section 2.1 Files Changed table. Looked for under `### 2.1` (or a heading naming Files Changed)
 * in section 2; failing that, the first table with a file and a change column anywhere in section 2
 * (or the document when section 2 is missing).
 */
export function parseFilesChanged(markdown: string): FilesChanged {
  const table = locateFilesTable(markdown)?.table;
  if (!table) {
    return {
      found: false,
      changes: [],
      context: [],
      described: [],
      errors: [
        { message: 'No Files Changed table found: section 2.1 needs a table with the columns | File | Change Type | Description |.' },
      ],
    };
  }
  const pathColumn = columnIndex(table.header, PATH_COLUMN);
  const changeColumn = columnIndex(table.header, CHANGE_COLUMN);
  const descriptionColumn = columnIndex(table.header, DESCRIPTION_COLUMN);
  const result: FilesChanged = { found: true, changes: [], context: [], described: [], errors: [] };
  const { errors } = result;
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
    const cellDescription = descriptionColumn === -1 ? '' : (row.cells[descriptionColumn] ?? '').trim();
    if (change.kind === 'context') {
      if (path.kind === 'path') result.context.push({ path: path.path, label: change.label });
      continue;
    }
    if (path.kind === 'described') {
      result.described.push({ text: path.text, change: change.change, description: cellDescription });
      continue;
    }
    const description = [cellDescription, path.note].filter((part) => part !== '').join(' ');
    const earlier = seen.get(path.path);
    // Drafters split one file's changes over several rows; that is only wrong when the rows disagree.
    if (earlier !== undefined) {
      if (earlier.entry.change !== change.change) {
        errors.push({
          row: rowNumber,
          message: `${label}: \`${path.path}\` is marked ${canonicalWord(change.change)} here but ${canonicalWord(earlier.entry.change)} in row ${earlier.row}; give each path one change type.`,
        });
      } else if (description !== '') {
        earlier.entry.description = earlier.entry.description === '' ? description : `${earlier.entry.description}; ${description}`;
      }
      continue;
    }
    const entry: FileChange = {
      path: path.path,
      change: change.change,
      description,
      directory: path.directory || change.directory,
      glob: path.glob,
    };
    seen.set(path.path, { row: rowNumber, entry });
    result.changes.push(entry);
  }
  if (table.rows.length === 0)
    errors.push({ message: 'The Files Changed table has no rows: list every file the change adds, modifies or deletes.' });
  return result;
}

/** The Files Changed table and the offset of the text it was read from (for autofix's rewrites). */
export function locateFilesTable(markdown: string): { table: MarkdownTable; offset: number } | undefined {
  const section = findSection(markdown, 2);
  const isFilesTable = (table: MarkdownTable): boolean =>
    columnIndex(table.header, PATH_COLUMN) !== -1 && columnIndex(table.header, CHANGE_COLUMN) !== -1;
  const first = (text: string, offset: number): { table: MarkdownTable; offset: number } | undefined => {
    const table = findTables(text).find(isFilesTable);
    return table ? { table, offset } : undefined;
  };
  if (!section) return first(markdown, 0);
  const subsection = findSubsection(markdown, section, '2.1', /files? changed/i);
  return (subsection ? first(subsection.body, subsection.bodyStart) : undefined) ?? first(section.body, section.bodyStart);
}
