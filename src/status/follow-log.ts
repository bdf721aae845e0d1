import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Clock } from '../clock/clock.js';

export interface FollowLogOptions {
  path: string;
  write: (text: string) => void;
  clock: Clock;
  /** Ctrl+C: stops following. */
  signal: AbortSignal;
  /** The run has ended: the rest of the file is printed and following stops. */
  runEnded: () => boolean;
  /** The run shows a sign of life (a live process holds one of its items). */
  runWorking: () => boolean;
  /** How often the file is looked at. Default 250 ms. */
  pollMs?: number;
  /** How long a run that has not ended may show no sign of life before following gives up on it. Default 30 s. */
  silenceMs?: number;
}

/** Why following stopped. `run-gone`: no summary and no live process for `silenceMs` (the run was killed). */
export type FollowEnd = 'run-ended' | 'interrupted' | 'run-gone';

const CHUNK = 64 * 1024;

/** Writes the file as it is, in chunks (a log can be large). */
export function printLog(path: string, write: (text: string) => void): void {
  const reader = new LogReader(path, write);
  reader.readMore();
  reader.end();
}

/**
 * Prints the file, then what is appended to it, like `tail -f`, until the run ends, the signal aborts
 * or the run has been gone for `silenceMs`. It polls with the clock: the log is appended by another
 * process, and polling a size is what works on every file system (fs.watch misses writes on some).
 */
export async function followLog(options: FollowLogOptions): Promise<FollowEnd> {
  const reader = new LogReader(options.path, options.write);
  const pollMs = options.pollMs ?? 250;
  const silenceMs = options.silenceMs ?? 30_000;
  let lastSignOfLife = options.clock.now();
  for (;;) {
    reader.readMore();
    if (options.signal.aborted) return 'interrupted';
    if (options.runEnded()) {
      // Every item log is closed before the summary is saved: what is there now is the whole log.
      reader.readMore();
      reader.end();
      return 'run-ended';
    }
    if (options.runWorking()) lastSignOfLife = options.clock.now();
    else if (options.clock.now() - lastSignOfLife >= silenceMs) {
      reader.end();
      return 'run-gone';
    }
    try {
      await options.clock.sleep(pollMs, options.signal);
    } catch {
      return 'interrupted';
    }
  }
}

/** Reads a growing file from where it left off; characters split between two reads come out whole. */
class LogReader {
  private offset = 0;
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly path: string,
    private readonly write: (text: string) => void,
  ) {}

  readMore(): void {
    let descriptor: number;
    try {
      descriptor = openSync(this.path, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(descriptor).size;
      // A file that shrank was replaced: start over.
      if (size < this.offset) this.offset = 0;
      const buffer = Buffer.alloc(CHUNK);
      while (this.offset < size) {
        const read = readSync(descriptor, buffer, 0, Math.min(CHUNK, size - this.offset), this.offset);
        if (read === 0) break;
        this.offset += read;
        const text = this.decoder.write(buffer.subarray(0, read));
        if (text) this.write(text);
      }
    } finally {
      closeSync(descriptor);
    }
  }

  end(): void {
    const rest = this.decoder.end();
    if (rest) this.write(rest);
  }
}
