import type { Clock } from '../clock/clock.js';

/** A stream the CLI writes to; a TTY gets colours and the live progress area. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Everything the CLI takes from the process, passed in so tests run it in-process. */
export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: OutputStream;
  stderr: OutputStream;
  clock: Clock;
  /** Aborted by the first Ctrl+C / SIGTERM. */
  signal: AbortSignal;
}
