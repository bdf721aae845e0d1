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
