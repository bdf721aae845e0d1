export interface TableColumn {
  header: string;
  align?: 'left' | 'right';
}

/** A cell whose colour is applied after padding, so escape codes never skew the alignment. */
export interface StyledCell {
  text: string;
  style: (text: string) => string;
}

export type TableCell = string | StyledCell;

const GAP = '  ';

/**
 * Hand-aligned columns: a header, a rule, then one line per row. Chosen over a boxed table because
 * the output is read in terminals, CI logs and pasted into issues, where plain columns survive best.
 */
export function renderColumns(
  columns: readonly TableColumn[],
  rows: readonly (readonly TableCell[])[],
  headerStyle: (text: string) => string = (text) => text,
): string[] {
  const widths = columns.map((column, index) => Math.max(column.header.length, ...rows.map((row) => cellText(row[index]).length)));
  const lastIndex = columns.length - 1;
  const renderRow = (cells: readonly TableCell[], styleAll?: (text: string) => string): string =>
    columns
      .map((column, index) => {
        const cell = cells[index];
        const text = cellText(cell);
        const width = widths[index] ?? 0;
        // No trailing spaces after the last column: they show up when a table is pasted.
        const padded = column.align === 'right' ? text.padStart(width) : index === lastIndex ? text : text.padEnd(width);
        const style = styleAll ?? (typeof cell === 'object' ? cell.style : undefined);
        return style ? styleRange(padded, text, style) : padded;
      })
      .join(GAP)
      .trimEnd();
  return [
    renderRow(
      columns.map((column) => column.header),
      headerStyle,
    ),
    widths.map((width) => '-'.repeat(width)).join(GAP),
    ...rows.map((row) => renderRow(row)),
  ];
}

function cellText(cell: TableCell | undefined): string {
  if (cell === undefined) return '';
  return typeof cell === 'string' ? cell : cell.text;
}

/** Styles only the text inside its padding, so underlines or backgrounds do not run into the gap. */
function styleRange(padded: string, text: string, style: (text: string) => string): string {
  if (text.length === 0) return padded;
  const start = padded.indexOf(text);
  return padded.slice(0, start) + style(text) + padded.slice(start + text.length);
}
