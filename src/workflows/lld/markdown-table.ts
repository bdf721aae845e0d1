import { isStructural, scanLines } from './markdown-lines.js';

/** One GitHub-flavoured markdown table: a header row, a delimiter row, then body rows. */
export interface MarkdownTable {
  header: string[];
  /** `line` is 1-based in the text read; `start`/`end` are the row's offsets there (without its terminator). */
  rows: Array<{ cells: string[]; line: number; start: number; end: number }>;
  /** Offset of the header row in the text the table was read from. */
  start: number;
}

const DELIMITER_CELL = /^:?-{1,}:?$/;

/**
 * Every table in `markdown`, outside code blocks and comments. Rows are split on `|` that are neither
 * escaped nor inside backticks, because path and command cells often hold `a | b` in code spans.
 */
export function findTables(markdown: string): MarkdownTable[] {
  const lines = scanLines(markdown);
  const tables: MarkdownTable[] = [];
  let index = 0;
  while (index < lines.length - 1) {
    const headerLine = lines[index];
    const delimiterLine = lines[index + 1];
    if (headerLine && delimiterLine && isStructural(headerLine) && isStructural(delimiterLine) && isRow(headerLine.text)) {
      const header = splitRow(headerLine.text);
      const delimiter = splitRow(delimiterLine.text);
      if (delimiter.length > 0 && delimiter.every((cell) => DELIMITER_CELL.test(cell.replace(/\s+/g, '')))) {
        const table: MarkdownTable = { header, rows: [], start: headerLine.start };
        let rowIndex = index + 2;
        for (; rowIndex < lines.length; rowIndex += 1) {
          const line = lines[rowIndex];
          if (!line || !isStructural(line) || !isRow(line.text)) break;
          table.rows.push({ cells: splitRow(line.text), line: rowIndex + 1, start: line.start, end: line.start + line.text.length });
        }
        tables.push(table);
        index = rowIndex;
        continue;
      }
    }
    index += 1;
  }
  return tables;
}

function isRow(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith('|') || (trimmed.includes('|') && trimmed.length > 0);
}

export function splitRow(text: string): string[] {
  let row = text.trim();
  if (row.startsWith('|')) row = row.slice(1);
  const cells: string[] = [];
  let current = '';
  let inCode = false;
  for (let index = 0; index < row.length; index += 1) {
    const character = row[index] ?? '';
    if (character === '\\' && row[index + 1] === '|') {
      current += '|';
      index += 1;
    } else if (character === '`') {
      inCode = !inCode;
      current += character;
    } else if (character === '|' && !inCode) {
      cells.push(current.trim());
      current = '';
    } else {
      current += character;
    }
  }
  // An unclosed backtick means the split above was wrong; fall back to a plain split.
  if (inCode) return splitPlain(row);
  if (current.trim() !== '' || !row.trimEnd().endsWith('|')) cells.push(current.trim());
  return cells;
}

function splitPlain(row: string): string[] {
  const parts = row.split(/(?<!\\)\|/).map((cell) => cell.replace(/\\\|/g, '|').trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Index of the first header cell matching any pattern, tried in order of preference. */
export function columnIndex(header: string[], patterns: RegExp[]): number {
  const names = header.map(plainCell);
  for (const pattern of patterns) {
    const found = names.findIndex((name) => pattern.test(name));
    if (found !== -1) return found;
  }
  return -1;
}

/** Cell text without emphasis markers, for comparing header names and keywords. */
export function plainCell(cell: string): string {
  return cell
    .replace(/[*_]{1,3}/g, '')
    .replace(/`/g, '')
    .trim();
}

/** A table row from cells: the inverse of `splitRow`, escaping `|` outside code spans. */
export function joinRow(cells: readonly string[]): string {
  const escaped = cells.map((cell) =>
    cell
      .split(/(`[^`]*`)/)
      .map((part, index) => (index % 2 === 1 ? part : part.replace(/\|/g, '\\|')))
      .join(''),
  );
  return `| ${escaped.join(' | ')} |`;
}
