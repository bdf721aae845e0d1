import type { AutofixChange, AutofixResult } from '../review-loop/autofix.js';
import { parseChangeCell, type ChangeCell } from './change-type.js';
import { CHANGE_COLUMN, PATH_COLUMN, locateFilesTable } from './files-changed.js';
import { columnIndex, joinRow, plainCell } from './markdown-table.js';
import { normalisePath, parsePathCell } from './path-cell.js';

/**
 * The 2.1 table's rows in canonical form:
 * - change types in their canonical words: `Create`/`New` → `Add`, `Update`/`Edit` → `Modify`,
 *   `Remove` → `Delete`, `add` → `Add`; `Add (Directory)` → `Add` with the path marked as a folder
 *   (`src/new/`);
 * - `Add/Modify` (the file may or may not be there) → Modify when the path exists, else Add;
 * - two candidate paths (`` `pytest.ini` or `pyproject.toml` ``) → the one that exists, when exactly
 *   one does (otherwise the design must choose: validation reports the row).
 * Context rows (`Exists`, `Unchanged`) and unknown words are left as they are.
 */
export function fixFilesTable(markdown: string, pathExists: (relativePath: string) => boolean): AutofixResult {
  const located = locateFilesTable(markdown);
  if (!located) return { document: markdown, fixes: [] };
  const { table, offset } = located;
  const pathColumn = columnIndex(table.header, PATH_COLUMN);
  const changeColumn = columnIndex(table.header, CHANGE_COLUMN);
  const fixes: AutofixChange[] = [];
  let document = markdown;
  for (const row of [...table.rows].reverse()) {
    const fixed = fixRow(row, pathColumn, changeColumn, pathExists);
    if (fixed.fixes.length === 0) continue;
    document = document.slice(0, offset + row.start) + joinRow(fixed.cells) + document.slice(offset + row.end);
    fixes.unshift(...fixed.fixes);
  }
  return { document, fixes };
}

/** One row's cells after its fixes, and the fixes in the order they were made. */
function fixRow(
  row: { cells: string[]; line: number },
  pathColumn: number,
  changeColumn: number,
  pathExists: (relativePath: string) => boolean,
): { cells: string[]; fixes: AutofixChange[] } {
  const cells = [...row.cells];
  const fixes: AutofixChange[] = [];
  const originalPath = (cells[pathColumn] ?? '').trim();
  const choice = chosenPath(originalPath, pathExists);
  if (choice) {
    cells[pathColumn] = `\`${choice}\``;
    fixes.push({ kind: 'path choice', detail: `${originalPath} → \`${choice}\` (the one that exists)` });
  }
  const changeCell = cells[changeColumn] ?? '';
  const parsed = eitherChange(changeCell, cells[pathColumn] ?? '', pathExists) ?? parseChangeCell(changeCell);
  if (!parsed.ok || parsed.kind !== 'change') return { cells, fixes };
  const pathCell = (cells[pathColumn] ?? '').trim();
  const path = parsePathCell(pathCell);
  const markedFolder = path.ok && path.kind === 'path' && path.directory;
  // A folder row keeps its folder mark: on the path when the cell is one backticked path, else in the change type.
  const markPath = parsed.directory && !markedFolder && /^`[^`]+`$/.test(pathCell);
  const canonical = parsed.directory && !markedFolder && !markPath ? `${parsed.canonical} (Directory)` : parsed.canonical;
  if (changeCell.trim() === canonical && !markPath) return { cells, fixes };
  cells[changeColumn] = canonical;
  if (markPath) cells[pathColumn] = pathCell.replace(/`$/, '/`');
  const where = pathCell === '' ? `row ${row.line}` : pathCell;
  fixes.push({
    kind: 'change type',
    detail: `${where}: \`${changeCell.trim()}\` → \`${canonical}\`${markPath ? ' (the path marked as a folder)' : ''}`,
  });
  return { cells, fixes };
}

/** `` `a` or `b` `` → the one of the two paths that exists, when exactly one does. */
function chosenPath(cell: string, pathExists: (relativePath: string) => boolean): string | undefined {
  const match = /^`([^`]+)`\s+or\s+`([^`]+)`$/i.exec(cell.trim());
  if (!match) return undefined;
  const candidates = [match[1] ?? '', match[2] ?? ''].map((path) => normalisePath(path.trim()));
  const usable = candidates.flatMap((path) => (path.ok && !path.glob ? [path.path] : []));
  const existing = usable.filter((path) => pathExists(path));
  return usable.length === 2 && existing.length === 1 ? existing[0] : undefined;
}

/** `Add/Modify`, `Create or Update`: Modify when the path exists, else Add. */
function eitherChange(cell: string, pathCell: string, pathExists: (relativePath: string) => boolean): ChangeCell | undefined {
  const words = plainCell(cell)
    .toLowerCase()
    .split(/\s*(?:\/|\bor\b)\s*/);
  if (words.length !== 2) return undefined;
  const kinds = new Set(
    words.map((word) => {
      const change = parseChangeCell(word);
      return change.ok && change.kind === 'change' ? change.change : 'other';
    }),
  );
  if (!(kinds.has('add') && kinds.has('modify') && kinds.size === 2)) return undefined;
  const path = parsePathCell(pathCell);
  if (!path.ok || path.kind !== 'path' || path.glob) return undefined;
  return parseChangeCell(pathExists(path.path) ? 'Modify' : 'Add');
}
