/**
 * Keeps the last `maxBytes` of a stream of chunks: a test run can print megabytes, and what went
 * wrong is nearly always at the end.
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.maxBytes && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.size - this.maxBytes;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  /** The kept text, with a note saying how much came before it. */
  text(): string {
    const kept = Buffer.concat(this.chunks).toString('utf8');
    if (this.dropped === 0) return kept;
    // The cut may fall inside a line (or a character); start at the next whole line.
    const lineStart = kept.indexOf('\n');
    const whole = lineStart >= 0 && lineStart < 1024 ? kept.slice(lineStart + 1) : kept;
    const left = this.dropped + Buffer.byteLength(kept) - Buffer.byteLength(whole);
    return `[… ${left} earlier bytes of output left out …]\n${whole}`;
  }
}
