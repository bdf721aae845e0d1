const ESCAPE = String.fromCharCode(27);
// Built from a string: a regex literal with the escape character trips no-control-regex.
const ESCAPE_SEQUENCE = new RegExp(`${ESCAPE}\\[[0-9;?]*[A-Za-z]`, 'y');
const RESET = `${ESCAPE}[0m`;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const TAB_STOP = 8;

/**
 * Code points a terminal draws two columns wide: East Asian Wide and Fullwidth characters, and emoji.
 * Terminals disagree on some emoji; counting them wide can only leave a row a column short, while
 * counting a wide character narrow makes the row wrap.
 */
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ff],
  [0x25fd, 0x25fe],
  [0x2600, 0x27bf],
  [0x2b1b, 0x2b55],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f000, 0x1faff],
  [0x20000, 0x3fffd],
];

/** Columns one code point takes on a terminal: 0 (combining marks, joiners), 1 or 2. */
export function codePointWidth(codePoint: number): number {
  if (codePoint < 0x300) return codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0) ? 0 : 1;
  if (ZERO_WIDTH.test(String.fromCodePoint(codePoint))) return 0;
  return WIDE_RANGES.some(([first, last]) => codePoint >= first && codePoint <= last) ? 2 : 1;
}

/** One piece of a line: a colour code (no width) or one character with the columns it takes. */
interface Piece {
  text: string;
  width: number;
  escape: boolean;
}

/** The line as pieces; tabs become the spaces up to the next tab stop, so widths are the terminal's. */
function pieces(line: string): Piece[] {
  const result: Piece[] = [];
  let column = 0;
  let index = 0;
  while (index < line.length) {
    ESCAPE_SEQUENCE.lastIndex = index;
    const escape = ESCAPE_SEQUENCE.exec(line);
    if (escape) {
      result.push({ text: escape[0], width: 0, escape: true });
      index += escape[0].length;
      continue;
    }
    const codePoint = line.codePointAt(index) ?? 0;
    const text = String.fromCodePoint(codePoint);
    index += text.length;
    if (text === '\t') {
      const spaces = TAB_STOP - (column % TAB_STOP);
      for (let space = 0; space < spaces; space++) result.push({ text: ' ', width: 1, escape: false });
      column += spaces;
      continue;
    }
    const width = codePointWidth(codePoint);
    result.push({ text, width, escape: false });
    column += width;
  }
  return result;
}

/** The columns `text` takes on a terminal, colour codes left out. */
export function displayWidth(text: string): number {
  return pieces(text).reduce((sum, piece) => sum + piece.width, 0);
}

/** Cuts a line to `width` columns, skipping colour codes, and marks the cut with `…`. */
export function truncateToWidth(line: string, width: number): string {
  const all = pieces(line);
  if (all.reduce((sum, piece) => sum + piece.width, 0) <= width) return line;
  let kept = '';
  let used = 0;
  let sawEscape = false;
  for (const piece of all) {
    if (piece.escape) {
      sawEscape = true;
      kept += piece.text;
      continue;
    }
    // One column stays free for the mark.
    if (used + piece.width > width - 1) break;
    kept += piece.text;
    used += piece.width;
  }
  return `${kept}…${sawEscape ? RESET : ''}`;
}

/**
 * Breaks a line into rows of at most `width` columns, at the last space that fits where there is one;
 * rows after the first start with `indent` spaces (so an item's text stays under its prefix, which is
 * never broken). Colour codes stay in place: a colour that spans a break carries on in the next row, as
 * the terminal would have carried it.
 */
export function foldToWidth(line: string, width: number, indent: number): string[] {
  const hanging = indent < width / 2 ? indent : 0;
  const rows: string[] = [];
  let row: Piece[] = [];
  let used = 0;
  const limit = (): number => Math.max(1, rows.length === 0 ? width : width - hanging);
  for (const piece of pieces(line)) {
    while (!piece.escape && used > 0 && used + piece.width > limit()) {
      // A space that does not fit ends the row as it is.
      const breakAt = piece.text === ' ' ? row.length : breakPoint(row, limit(), rows.length === 0 ? indent : 0);
      rows.push(joinPieces(row.slice(0, breakAt)).trimEnd());
      row = row.slice(breakAt);
      while (row[0]?.text === ' ') row = row.slice(1);
      used = row.reduce((sum, candidate) => sum + candidate.width, 0);
    }
    if (piece.text === ' ' && used === 0 && rows.length > 0) continue;
    row.push(piece);
    used += piece.width;
  }
  rows.push(joinPieces(row));
  return rows.map((text, index) => (index === 0 ? text : ' '.repeat(hanging) + text));
}

/** Where to end a full row: after its last space past `after` columns, else after as many pieces as fit. */
function breakPoint(row: readonly Piece[], limit: number, after: number): number {
  let column = 0;
  let lastSpace = -1;
  let fitting = 0;
  for (const [index, piece] of row.entries()) {
    if (piece.text === ' ' && column > after && column <= limit) lastSpace = index;
    column += piece.width;
    if (column <= limit) fitting = index + 1;
  }
  return lastSpace > 0 ? lastSpace : Math.max(1, fitting);
}

function joinPieces(row: readonly Piece[]): string {
  return row.map((piece) => piece.text).join('');
}
