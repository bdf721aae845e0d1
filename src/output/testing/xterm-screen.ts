import xterm from '@xterm/headless';
import type { OutputStream } from '../terminal-writer.js';

export interface ScreenRow {
  text: string;
  /** The terminal continued the row above here because it ran past the last column. */
  wrapped: boolean;
}

/**
 * A real terminal emulator (xterm.js, headless) behind an output stream: what lldflow writes is
 * drawn as a terminal of `columns` × `rows` would draw it, wide characters, wrapping, scrolling and
 * cursor movement included, so a test reads the screen a user would see.
 */
export class XtermScreen implements OutputStream {
  readonly isTTY = true;
  private readonly terminal: InstanceType<typeof xterm.Terminal>;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    // A TTY turns each "\n" into "\r\n" (onlcr); the emulator does the same with convertEol.
    this.terminal = new xterm.Terminal({ cols: columns, rows, convertEol: true, scrollback: 10_000, allowProposedApi: true });
  }

  write(chunk: string): boolean {
    this.pending = this.pending.then(() => new Promise<void>((resolve) => this.terminal.write(chunk, resolve)));
    return true;
  }

  /** Every row written so far, the scrolled-off ones first, once the emulator has parsed everything. */
  async allRows(): Promise<ScreenRow[]> {
    await this.pending;
    const buffer = this.terminal.buffer.active;
    const rows: ScreenRow[] = [];
    for (let index = 0; index < buffer.length; index++) {
      const line = buffer.getLine(index);
      if (line) rows.push({ text: line.translateToString(true), wrapped: line.isWrapped });
    }
    return rows;
  }

  /** The rows of the visible screen above the cursor (the live area ends there while it is drawn). */
  async aboveCursor(): Promise<string[]> {
    const rows = await this.allRows();
    const buffer = this.terminal.buffer.active;
    return rows.slice(buffer.baseY, buffer.baseY + buffer.cursorY).map((row) => row.text);
  }

  dispose(): void {
    this.terminal.dispose();
  }
}
