const ESCAPE = String.fromCharCode(27);
const SEQUENCE = new RegExp(`^${ESCAPE}\\[([0-9;?]*)([A-Za-z])`);

/**
 * Replays what a TTY would show for the few codes the terminal writer uses (newline, cursor up,
 * erase line, cursor show/hide; colours are dropped), so tests can read the screen, not the bytes.
 */
export class VirtualTerminal {
  readonly rows: string[] = [''];
  row = 0;
  private column = 0;
  cursorHidden = false;

  feed(text: string): void {
    let index = 0;
    while (index < text.length) {
      const char = text[index] ?? '';
      if (char === ESCAPE) {
        const match = SEQUENCE.exec(text.slice(index));
        if (!match) throw new Error(`unknown escape sequence at ${JSON.stringify(text.slice(index, index + 10))}`);
        this.apply(match[1] ?? '', match[2] ?? '');
        index += match[0].length;
        continue;
      }
      if (char === '\n') {
        this.row += 1;
        this.column = 0;
        while (this.rows.length <= this.row) this.rows.push('');
      } else {
        const line = (this.rows[this.row] ?? '').padEnd(this.column);
        this.rows[this.row] = line.slice(0, this.column) + char + line.slice(this.column + 1);
        this.column += 1;
      }
      index += 1;
    }
  }

  /** The rows above the cursor: printed lines, ending with the live area while one is drawn. */
  get screen(): string[] {
    return this.rows.slice(0, this.row);
  }

  /** The rows from the cursor down: blank unless something was left behind by an erase gone wrong. */
  get below(): string[] {
    return this.rows.slice(this.row);
  }

  private apply(parameters: string, command: string): void {
    if (command === 'A') this.row = Math.max(0, this.row - Number(parameters || '1'));
    else if (command === 'K' && parameters === '2') this.rows[this.row] = '';
    else if (command === 'l' && parameters === '?25') this.cursorHidden = true;
    else if (command === 'h' && parameters === '?25') this.cursorHidden = false;
    else if (command !== 'm') throw new Error(`unexpected escape sequence ${parameters}${command}`);
  }
}
