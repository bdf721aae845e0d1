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

/** A checkpoint whose state this lldflow cannot resume from (another version, or damaged). The item fails with it. */
export class CheckpointStateError extends Error {
  override readonly name = 'CheckpointStateError';
}
