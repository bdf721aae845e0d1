import { createWriteStream } from 'node:fs';
import type { Reporter, RunEvent } from '../runner/events.js';
import { FileWriteError, writeFileAtomic } from '../files/atomic-write.js';
import type { OutputStream } from './terminal-writer.js';

/** Where event lines go: a stream, a file written as the run goes, or a file written whole at the end. */
export interface EventLineSink {
  /** One line, ending in a newline. */
  write(line: string): void;
  /** Resolves once every line is written; rejects naming the file when it could not be. */
  close(): Promise<void>;
}

/**
 * Every run event as one JSON object a line (NDJSON), in the order the run emitted them: `--events`
 * for CI and scripts, and the run's events file that `lldflow report` draws. The events arrive already
 * redacted (the runner's emitter), so no key reaches a line.
 */
export class EventsReporter implements Reporter {
  private closing: Promise<void> | undefined;

  constructor(private readonly sink: EventLineSink) {}

  onEvent(event: RunEvent): void {
    if (this.closing) return;
    this.sink.write(`${JSON.stringify(event)}\n`);
  }

  close(): Promise<void> {
    this.closing ??= this.sink.close();
    return this.closing;
  }
}

/** `--events -`: lines on a stream the caller owns (stdout), which stays open. */
export function streamSink(stream: OutputStream): EventLineSink {
  return {
    write: (line) => void stream.write(line),
    close: () => Promise.resolve(),
  };
}

/**
 * `--events <file>`: written as the run goes, so a CI step can follow it; replaced when it exists. A
 * write that fails (a full disk) costs the events, never the run: `close` names the file.
 */
export function fileSink(path: string): EventLineSink {
  const stream = createWriteStream(path, { flags: 'w', encoding: 'utf8' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure ??= new FileWriteError(path, error);
  });
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  return {
    write: (line) => {
      if (!stream.destroyed) stream.write(line);
    },
    close: async () => {
      stream.end();
      await closed;
      if (failure) throw failure;
    },
  };
}

/**
 * The run's own events file: kept in memory and written atomically once the run ends, so `report`
 * never reads half a file and no other run's tidying can take a file still being written.
 */
export function atomicFileSink(path: string): EventLineSink {
  const lines: string[] = [];
  return {
    write: (line) => void lines.push(line),
    close: () => writeFileAtomic(path, lines.join('')),
  };
}
