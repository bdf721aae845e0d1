/** The part of a Node stream (process.stderr, a test capture) the writer needs. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const ESCAPE = String.fromCharCode(27);
const CONTROL = `${ESCAPE}[`;
const CURSOR_UP = `${CONTROL}1A`;
const ERASE_LINE = `${CONTROL}2K`;
const HIDE_CURSOR = `${CONTROL}?25l`;
const SHOW_CURSOR = `${CONTROL}?25h`;
const RESET = `${CONTROL}0m`;
const DEFAULT_COLUMNS = 80;
// Built from a string: a regex literal with the escape character trips no-control-regex.
const ESCAPE_SEQUENCE = new RegExp(`${ESCAPE}\\[[0-9;?]*[A-Za-z]`, 'y');

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

  /** Writes whole lines (a newline is added to each) above the status area. */
  writeLines(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const body = lines.map((line) => `${line}\n`).join('');
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
    const width = Math.max(1, this.columns - 1);
    const next = lines.map((line) => truncateToWidth(line.replace(/[\r\n]+/g, ' '), width));
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

/** Cuts a line to `width` visible characters, skipping colour codes, and marks the cut with `…`. */
export function truncateToWidth(line: string, width: number): string {
  let visible = 0;
  let index = 0;
  let sawEscape = false;
  while (index < line.length) {
    ESCAPE_SEQUENCE.lastIndex = index;
    const escape = ESCAPE_SEQUENCE.exec(line);
    if (escape) {
      sawEscape = true;
      index += escape[0].length;
      continue;
    }
    const codePoint = line.codePointAt(index) ?? 0;
    const length = codePoint > 0xffff ? 2 : 1;
    if (visible === width - 1 && hasVisibleAfter(line, index + length)) {
      return `${line.slice(0, index)}…${sawEscape ? RESET : ''}`;
    }
    visible += 1;
    index += length;
  }
  return line;
}

function hasVisibleAfter(line: string, start: number): boolean {
  let index = start;
  while (index < line.length) {
    ESCAPE_SEQUENCE.lastIndex = index;
    const escape = ESCAPE_SEQUENCE.exec(line);
    if (!escape) return true;
    index += escape[0].length;
  }
  return false;
}
