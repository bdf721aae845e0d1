import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { abortReason } from '../core/abort.js';
import { ModelCallError, TransientModelError } from '../model-call/errors.js';
import { classifyHttpFailure } from './http-failure.js';
import { connectionFailure } from './endpoint.js';
import {
  causeChain,
  errorMessage,
  FETCH_TIMEOUT_CODES,
  networkCode,
  serverMessage,
  type SdkErrorContext,
  untrustedCertificate,
} from './sdk-errors.js';

/**
 * Turns whatever the official OpenAI SDK threw into the transport contract, the same way
 * translateSdkError does for the AI SDK: RateLimitedError (429), TransientModelError (5xx,
 * connection failures), ModelCallError otherwise, or the caller's abort reason as is. Like it, keeps
 * the server's words for the model client to redact.
 */
export function translateOpenAIError(error: unknown, context: SdkErrorContext): Error {
  if (context.signal.aborted) return abortReason(context.signal);
  if (error instanceof ModelCallError) return error;
  const fail = (reason: ConstructorParameters<typeof ModelCallError>[0], detail: string): ModelCallError =>
    new ModelCallError(reason, `${context.label}: ${detail}`, { cause: error });

  const certificate = untrustedCertificate(error, context.label);
  if (certificate) return certificate;
  if (error instanceof APIUserAbortError || error instanceof APIConnectionTimeoutError)
    return fail('timeout', 'the request was aborted before the model answered');
  if (error instanceof APIConnectionError) {
    const code = networkCode(error);
    if (code !== undefined && FETCH_TIMEOUT_CODES.has(code)) return fail('timeout', `the server did not answer in time (${code})`);
    const message =
      code === undefined
        ? `${context.label}: connection failed (${innermostMessage(error)})`
        : connectionFailure(context.label, code, context.endpoint);
    return new TransientModelError(message, undefined, { cause: error });
  }
  if (error instanceof APIError) {
    const { status, headers } = error as APIError<number | undefined, Headers | undefined>;
    if (status !== undefined)
      return classifyHttpFailure(
        { status, detail: serverMessage(apiMessage(error)), headers: headers && Object.fromEntries(headers), body: error.error },
        context,
        { cause: error },
      );
  }
  // The SDK parses the body with response.json(): a body that is not JSON surfaces as a SyntaxError.
  if (error instanceof SyntaxError) return fail('malformed-response', `the response could not be read (${error.message})`);
  return fail('bad-request', `the call could not be made: ${errorMessage(error)}`);
}

/** The deepest cause's message: fetch's own is only "fetch failed"; a TLS or DNS failure says more. */
function innermostMessage(error: Error): string {
  return errorMessage(causeChain(error).at(-1) ?? error);
}

/** The API's own message (`{ error: { message } }`) rather than the SDK's "<status> <message>". */
function apiMessage(error: Error & { error?: unknown }): string {
  const body: unknown = error.error;
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') return body.message;
  return error.message;
}
