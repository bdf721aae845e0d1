import type { Redact } from '../core/redact.js';

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

/**
 * The key itself cannot serve this run: revoked or invalid (401/403), or its account has no quota left
 * (`insufficient_quota`, a billing error, `x-should-retry: false`). The key pool sets it aside for the
 * run and the call moves to another key.
 */
export class KeyUnusableError extends Error {
  override readonly name = 'KeyUnusableError';
  constructor(
    message: string,
    readonly kind: 'rejected' | 'quota-exhausted',
    /** The status and the provider's code, for the one line that names the key: `401 invalid_api_key`. */
    readonly why: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A failure worth retrying: 5xx, connection reset, overloaded. */
export class TransientModelError extends Error {
  override readonly name = 'TransientModelError';
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type ModelCallFailure =
  | 'malformed-response'
  /** The answer is longer than the client accepts (PooledModelClient's maxAnswerBytes, 1 MB by default). */
  | 'answer-too-large'
  | 'timeout'
  | 'authentication'
  | 'bad-request'
  | 'server'
  | 'subprocess'
  | 'no-recording'
  /** The provider does not know the model (404 model_not_found, or a 400 naming it): no call to it can succeed. */
  | 'unknown-model'
  /** Every key of the provider was set aside (rejected or out of quota): no call to it can be made. */
  | 'no-usable-key'
  /** Every key is rate limited until after the longest wait for a key: failing now instead of waiting it out. */
  | 'rate-limited'
  /** The server's TLS certificate is not one Node trusts (a proxy or gateway with its own CA): retrying cannot help. */
  | 'untrusted-certificate';

/** Failures that no other item of the run could escape: the runner stops dispatching when one ends an item. */
const RUN_STOPPING_FAILURES: ReadonlySet<ModelCallFailure> = new Set(['unknown-model', 'no-usable-key']);

/** A call that failed for good, with a named reason. */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  constructor(
    readonly reason: ModelCallFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether every item that needs this model or provider would fail the same way (see RUN_STOPPING_FAILURES). */
  get stopsRun(): boolean {
    return RUN_STOPPING_FAILURES.has(this.reason);
  }
}

/**
 * The error with `redact` applied to its message, for errors that leave the model client. Never
 * mutates: when the message held a secret it returns a new error of the same class (name, `reason`,
 * `statusCode`, `retryAfterMs` kept, so `instanceof` and reason checks still hold), its stack redacted
 * too and its cause the original's cause (what is shown or stored is the message, never the cause);
 * otherwise the error itself. Another class of error with a secret in its message (none of lldflow's
 * own) becomes a plain Error of the same name.
 */
export function redactError(error: unknown, redact: Redact): unknown {
  if (!(error instanceof Error)) return error;
  const message = redact(error.message);
  if (message === error.message) return error;
  const options = 'cause' in error ? { cause: error.cause } : undefined;
  let copy: Error;
  if (error instanceof RateLimitedError) copy = new RateLimitedError(message, error.retryAfterMs, options);
  else if (error instanceof KeyUnusableError) copy = new KeyUnusableError(message, error.kind, error.why, options);
  else if (error instanceof TransientModelError) copy = new TransientModelError(message, error.statusCode, options);
  else if (error instanceof ModelCallError) copy = new ModelCallError(error.reason, message, options);
  else {
    copy = new Error(message, options);
    copy.name = error.name;
  }
  if (error.stack !== undefined) copy.stack = redact(error.stack);
  return copy;
}
