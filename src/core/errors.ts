import { formatDuration } from './format.js';

/** Bad command-line input: exit 2, nothing written. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Bad configuration (missing token, unreachable API, not a git repository): exit 2, nothing written. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** The run was interrupted (Ctrl+C / SIGTERM); the reason of the run's AbortSignal. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(message = 'interrupted') {
    super(message);
  }
}

/**
 * Whether an item's failure would be every other item's too (a model the provider does not know, a
 * provider with no usable key): such an error carries `stopsRun: true`, and the runner then starts no
 * further item.
 */
export function stopsRun(error: unknown): boolean {
  return error instanceof Error && (error as { stopsRun?: unknown }).stopsRun === true;
}

/** An item ran past its wall-clock limit; the reason of that item's AbortSignal. */
export class ItemTimeoutError extends Error {
  override readonly name = 'ItemTimeoutError';
  constructor(readonly limitMs: number) {
    super(`timeout after ${formatDuration(limitMs, 'prose')}`);
  }
}

/**
 * A checkpoint whose state this lldflow cannot resume from. `damaged` (garbage, an unknown or older
 * version): the runner moves the checkpoint aside and starts the item afresh. `newer`: written by a
 * newer lldflow; the item fails with it, saying what to do.
 */
export class CheckpointStateError extends Error {
  override readonly name = 'CheckpointStateError';
  readonly kind: 'damaged' | 'newer';

  constructor(message: string, options: { kind?: 'damaged' | 'newer' } = {}) {
    super(message);
    this.kind = options.kind ?? 'damaged';
  }
}
