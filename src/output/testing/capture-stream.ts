import type { OutputStream } from '../terminal-writer.js';

/** An output stream that keeps every chunk written to it, for tests. */
export class CaptureStream implements OutputStream {
  readonly chunks: string[] = [];
  readonly isTTY: boolean;
  readonly columns: number;

  constructor(options: { isTTY?: boolean; columns?: number } = {}) {
    this.isTTY = options.isTTY ?? false;
    this.columns = options.columns ?? 120;
  }

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }

  get text(): string {
    return this.chunks.join('');
  }
}

const ESCAPE = String.fromCharCode(27);
const ANY_ESCAPE = new RegExp(`${ESCAPE}\\[[0-9;?]*[A-Za-z]`, 'g');

export function hasEscapeCodes(text: string): boolean {
  return text.includes(ESCAPE);
}

export function stripEscapeCodes(text: string): string {
  return text.replace(ANY_ESCAPE, '');
}
