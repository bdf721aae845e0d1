/**
 * Turns a stream of text chunks into whole prefixed lines. Items print partial lines and several
 * lines at once; holding back the unfinished tail is what keeps two items from sharing a line.
 */
export class LinePrefixer {
  private pending = '';

  constructor(
    private readonly prefix: string,
    private readonly emitLine: (line: string) => void,
  ) {}

  /** True while a partial line waits for its end. */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  write(text: string): void {
    if (text.length === 0) return;
    const pieces = (this.pending + text).split('\n');
    // The last piece has no newline after it yet: keep it (possibly a lone '\r' of a split '\r\n').
    this.pending = pieces.pop() ?? '';
    for (const piece of pieces) this.emitLine(this.prefix + stripCarriageReturn(piece));
  }

  /** Emits the partial line, if any, as a whole line; called when the item ends. */
  flush(): void {
    if (this.pending.length === 0) return;
    const line = stripCarriageReturn(this.pending);
    this.pending = '';
    this.emitLine(this.prefix + line);
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
