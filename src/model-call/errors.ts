/** HTTP 429: the key is cooling down; the call should move to another key. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  constructor(
    message: string,
    /** What the provider announced (retry-after / retry-after-ms), if anything. */
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A failure worth retrying: 5xx, connection reset, overloaded. */
export class TransientModelError extends Error {
  override readonly name = 'TransientModelError';
  constructor(message: string, readonly statusCode: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type ModelCallFailure = 'malformed-response' | 'timeout' | 'authentication' | 'bad-request' | 'server' | 'subprocess' | 'no-recording';

/** A call that failed for good, with a named reason. */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  constructor(readonly reason: ModelCallFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
