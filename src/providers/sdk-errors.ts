import {
  APICallError,
  EmptyResponseBodyError,
  InvalidResponseDataError,
  JSONParseError,
  NoContentGeneratedError,
  RetryError,
  TypeValidationError,
} from 'ai';
import { abortReason } from '../core/abort.js';
import { ModelCallError, TransientModelError } from '../model-call/errors.js';
import { connectionFailure, type Endpoint } from './endpoint.js';
import { classifyHttpFailure } from './http-failure.js';

export interface SdkErrorContext {
  /** `provider:model`, the start of every message. */
  label: string;
  /** Where the call went: a connection failure names it, and the variable that set it. */
  endpoint?: Endpoint;
  /** The caller's signal: when it aborted, its reason is what the caller expects back. */
  signal: AbortSignal;
  /** Wall-clock now for `retry-after` HTTP dates (they are real dates, not the injected clock's). */
  nowMs: number;
}

/** Socket-level failures worth another attempt. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);
/** Node's fetch gave up waiting for the server (headers or body): retrying would wait just as long. */
export const FETCH_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const MAX_SERVER_MESSAGE = 400;

/**
 * Turns whatever an AI SDK call threw into the transport contract: RateLimitedError (429),
 * TransientModelError (5xx, 529 overloaded, connection failures), ModelCallError otherwise, or the
 * caller's abort reason as is. Messages keep the server's words (a key it echoed too): the model
 * client redacts every error it throws with the run's redactor (src/keys/redact.ts).
 */
export function translateSdkError(error: unknown, context: SdkErrorContext): Error {
  if (context.signal.aborted) return abortReason(context.signal);
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  const fail = (reason: ConstructorParameters<typeof ModelCallError>[0], detail: string): ModelCallError =>
    new ModelCallError(reason, `${context.label}: ${detail}`, { cause });

  const certificate = untrustedCertificate(cause, context.label);
  if (certificate) return certificate;
  if (APICallError.isInstance(cause)) return fromApiCallError(cause, context);
  if (isAbortError(cause)) return fail('timeout', 'the request was aborted before the model answered');
  if (
    JSONParseError.isInstance(cause) ||
    TypeValidationError.isInstance(cause) ||
    InvalidResponseDataError.isInstance(cause) ||
    EmptyResponseBodyError.isInstance(cause) ||
    NoContentGeneratedError.isInstance(cause)
  ) {
    return fail('malformed-response', `the response could not be read (${errorMessage(cause)})`);
  }
  const code = networkCode(cause);
  if (code !== undefined && FETCH_TIMEOUT_CODES.has(code)) return fail('timeout', `the server did not answer in time (${code})`);
  if (code !== undefined) return new TransientModelError(connectionFailure(context.label, code, context.endpoint), undefined, { cause });
  return fail('bad-request', `the call could not be made: ${errorMessage(cause)}`);
}

function fromApiCallError(error: APICallError, context: SdkErrorContext): Error {
  const status = error.statusCode;
  const detail = serverMessage(error.message);
  const options = { cause: error };

  if (status === undefined || (status >= 200 && status < 300)) {
    const message = (text: string): string => `${context.label}: ${text}`;
    if (isUnreadableBody(error))
      return new ModelCallError('malformed-response', message(`the response could not be read (${detail})`), options);
    const code = networkCode(error);
    if (code !== undefined && FETCH_TIMEOUT_CODES.has(code))
      return new ModelCallError('timeout', message(`the server did not answer in time (${code})`), options);
    return new TransientModelError(
      code === undefined ? message(`connection failed (${detail})`) : connectionFailure(context.label, code, context.endpoint),
      status,
      options,
    );
  }
  return classifyHttpFailure({ status, detail, headers: error.responseHeaders, body: error.responseBody ?? error.data }, context, options);
}

/** OpenSSL's verdicts on a certificate chain Node does not trust, as Node reports them in `code`. */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A TLS certificate Node does not trust fails every attempt the same way, so it is not retried; the
 * message says what usually fixes it (a corporate proxy or gateway signing with its own CA).
 */
export function untrustedCertificate(error: unknown, label: string): ModelCallError | undefined {
  for (const link of causeChain(error)) {
    const code: unknown = (link as { code?: unknown }).code;
    if (typeof code !== 'string' || !CERTIFICATE_CODES.has(code)) continue;
    return new ModelCallError(
      'untrusted-certificate',
      `${label}: the server's TLS certificate is not trusted (${code}: ${link.message}); if a proxy or gateway signs with its own CA, point NODE_EXTRA_CA_CERTS at that CA's PEM file`,
      { cause: error },
    );
  }
  return undefined;
}

function isUnreadableBody(error: APICallError): boolean {
  const cause: unknown = error.cause;
  return (
    JSONParseError.isInstance(cause) || TypeValidationError.isInstance(cause) || /invalid json|response body is empty/i.test(error.message)
  );
}

/** The server's message, cut to a readable length. */
export function serverMessage(text: string): string {
  const trimmed = text.trim() || 'no message';
  return trimmed.length > MAX_SERVER_MESSAGE ? `${trimmed.slice(0, MAX_SERVER_MESSAGE)}…` : trimmed;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** The first `code` in the cause chain that names a network or fetch-timeout failure. */
export function networkCode(error: unknown): string | undefined {
  for (const link of causeChain(error)) {
    const code: unknown = (link as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || FETCH_TIMEOUT_CODES.has(code))) return code;
  }
  return undefined;
}

/** The error, its cause, that one's cause, …: the errors only, each once (a cycle ends the chain). */
export function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current: unknown = error; current instanceof Error && !chain.includes(current); current = current.cause) chain.push(current);
  return chain;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
