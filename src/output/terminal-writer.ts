import { foldToWidth, truncateToWidth } from './display-width.js';

export { truncateToWidth } from './display-width.js';

/** The part of a Node stream (process.stderr, a test capture) the writer needs. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface WriteOptions {
  /**
   * On a TTY, lines wider than the terminal are broken at its width (at a space where there is one) and
   * continue this many columns in, under the line's prefix; elsewhere lines stay whole. Without it,
   * lines are written as they are (a table, a command to copy).
   */
  foldIndent?: number;
}

const ESCAPE = String.fromCharCode(27);
const CONTROL = `${ESCAPE}[`;
const CURSOR_UP = `${CONTROL}1A`;
const ERASE_LINE = `${CONTROL}2K`;
const HIDE_CURSOR = `${CONTROL}?25l`;
const SHOW_CURSOR = `${CONTROL}?25h`;
const DEFAULT_COLUMNS = 80;
const DEFAULT_ROWS = 24;

/**
 * The one owner of an output stream. Everything that prints goes through here, so whole lines are
 * written in a single `write` (no two items share a line) and a live status area stays at the bottom
 * of a terminal. When the stream is not a TTY it writes plain lines and never a cursor code.
 */
export class TerminalWriter {
  private area: string[] = [];
  private drawnRows = 0;
  private cursorHidden = false;
  private closed = false;

  constructor(private readonly stream: OutputStream) {}

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  get columns(): number {
    const columns = this.stream.columns;
    return columns !== undefined && columns > 0 ? columns : DEFAULT_COLUMNS;
  }

  get rows(): number {
    const rows = this.stream.rows;
    return rows !== undefined && rows > 0 ? rows : DEFAULT_ROWS;
  }

  /** Writes whole lines (a newline is added to each) above the status area. */
  writeLines(lines: readonly string[], options: WriteOptions = {}): void {
    if (lines.length === 0) return;
    const { foldIndent } = options;
    const fitted = foldIndent === undefined || !this.isTTY ? lines : lines.flatMap((line) => foldToWidth(line, this.lineWidth, foldIndent));
    const body = fitted.map((line) => `${line}\n`).join('');
    if (this.drawnRows === 0) {
      this.stream.write(body);
      return;
    }
    this.stream.write(this.takeErase() + body + this.takeDraw());
  }

  /** Replaces the live area at the bottom of a TTY; an empty list removes it. Ignored elsewhere. */
  setStatusArea(lines: readonly string[]): void {
    if (!this.isTTY || this.closed) return;
    // Rows wider than the terminal would wrap and break the count of rows to erase next time.
    // So do more rows than the terminal has: the cursor cannot go back above its top row. The last rows are kept.
    const next = lines.slice(-Math.max(1, this.rows - 1)).map((line) => truncateToWidth(line.replace(/[\r\n]+/g, ' '), this.lineWidth));
    if (next.length === this.area.length && next.every((line, index) => line === this.area[index])) return;
    this.area = next;
    let chunk = this.takeErase() + this.takeDraw();
    if (next.length > 0 && !this.cursorHidden) {
      this.cursorHidden = true;
      chunk = HIDE_CURSOR + chunk;
    }
    if (chunk.length > 0) this.stream.write(chunk);
  }

  /** Removes the status area and shows the cursor again. Later `writeLines` still work. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.area = [];
    let chunk = this.takeErase();
    if (this.cursorHidden) {
      this.cursorHidden = false;
      chunk += SHOW_CURSOR;
    }
    if (chunk.length > 0) this.stream.write(chunk);
  }

  /**
   * The widest line written: one column short of the terminal, as some terminals move to the next row
   * as soon as the last column is written.
   */
  private get lineWidth(): number {
    return Math.max(1, this.columns - 1);
  }

  /** The codes that erase the drawn area, leaving the cursor where its first row was. */
  private takeErase(): string {
    const codes = (CURSOR_UP + ERASE_LINE).repeat(this.drawnRows);
    this.drawnRows = 0;
    return codes;
  }

  private takeDraw(): string {
    this.drawnRows = this.area.length;
    return this.area.map((line) => `${line}\n`).join('');
  }
}
