import { parseRetryAfter } from '../keys/retry-after.js';
import { KeyUnusableError, ModelCallError, RateLimitedError, TransientModelError } from '../model-call/errors.js';

/** An HTTP error response as the SDKs hand it over, with as much of its body as they kept. */
export interface HttpFailure {
  status: number;
  /** The server's message, already cut to a readable length. */
  detail: string;
  headers: Record<string, string | undefined> | undefined;
  /**
   * The response body: parsed JSON, its text, or the SDK's copy of the `error` object. Only read, to
   * find the provider's error code (`insufficient_quota`, `model_not_found`, Gemini's ErrorInfo reason
   * and RetryInfo).
   */
  body: unknown;
}

export interface HttpFailureContext {
  /** `provider:model`, the start of every message. */
  label: string;
  /** Wall-clock now for `retry-after` HTTP dates. */
  nowMs: number;
}

/** What the providers' error bodies say, whichever of their shapes they use. */
interface ProviderErrorFacts {
  /** OpenAI `error.code` / `error.type`, Anthropic `error.type`, Gemini `error.status` and ErrorInfo reasons. */
  codes: string[];
  message: string | undefined;
  /** Gemini's `RetryInfo.retryDelay` (`"37s"`), in ms. */
  retryDelayMs: number | undefined;
}

const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'credit_balance_too_low']);
const BILLING_MESSAGE =
  /credit balance is too low|billing (?:hard )?limit|check your plan and billing details|payment required|insufficient (?:credit|balance|funds)/i;
const INVALID_KEY_CODES = new Set(['invalid_api_key', 'api_key_invalid', 'authentication_error', 'permission_error', 'permission_denied']);
const INVALID_KEY_MESSAGE = /api key not valid|invalid api key|incorrect api key/i;
const UNKNOWN_MODEL_CODES = new Set(['model_not_found', 'invalid_model', 'unknown_model']);
/** What a 400 or 404 says when it refuses the model itself (and not, say, a parameter too large for it). */
const UNKNOWN_MODEL_WORDS =
  /not found|does not exist|doesn't exist|no such|unknown model|invalid model|not a valid model|is not supported|not available|unsupported model|no access/i;

/**
 * The one place an HTTP error status becomes lldflow's decision about the call, the key and the run:
 *
 * - 429 → RateLimitedError with the wait the provider announced (`retry-after-ms`, `retry-after`, or
 *   Gemini's RetryInfo in the body): the key rests, the call moves on — unless the account has no quota
 *   (`insufficient_quota`, a billing error, `x-should-retry: false`): then KeyUnusableError
 *   ('quota-exhausted'), the key is set aside for the run.
 * - 401/403, or a 400 saying the key is not valid (Gemini) → KeyUnusableError ('rejected').
 * - a billing refusal on any status (402, Anthropic's 400 "credit balance is too low") → 'quota-exhausted'.
 * - 404 or 400 refusing the model → ModelCallError('unknown-model'): no call to it can succeed, the run stops.
 * - 5xx and 408 → TransientModelError; anything else → ModelCallError('bad-request').
 */
export function classifyHttpFailure(failure: HttpFailure, context: HttpFailureContext, options: { cause: unknown }): Error {
  const { status, detail, headers } = failure;
  const facts = errorFacts(failure.body);
  const message = (text: string): string => `${context.label}: ${text}`;
  const code = facts.codes[0];
  const why = `${status} ${code ?? 'error'}`;

  if (status === 429) {
    if (facts.codes.some((candidate) => QUOTA_CODES.has(candidate))) {
      return new KeyUnusableError(message(`HTTP 429 out of quota: ${detail}`), 'quota-exhausted', why, options);
    }
    if (headerValue(headers, 'x-should-retry') === 'false') {
      return new KeyUnusableError(
        message(`HTTP 429, the provider says not to retry: ${detail}`),
        'quota-exhausted',
        '429 x-should-retry: false',
        options,
      );
    }
    const announced = parseRetryAfter(headers, context.nowMs) ?? facts.retryDelayMs;
    return new RateLimitedError(message(`HTTP 429 rate limited: ${detail}`), announced, options);
  }
  if (status === 402 || facts.codes.some((candidate) => QUOTA_CODES.has(candidate)) || BILLING_MESSAGE.test(facts.message ?? '')) {
    return new KeyUnusableError(message(`HTTP ${status} out of quota: ${detail}`), 'quota-exhausted', why, options);
  }
  if (status === 401 || status === 403) {
    return new KeyUnusableError(message(`HTTP ${status} the key was rejected: ${detail}`), 'rejected', why, options);
  }
  if (status === 400 && (facts.codes.some((candidate) => INVALID_KEY_CODES.has(candidate)) || INVALID_KEY_MESSAGE.test(detail))) {
    return new KeyUnusableError(message(`HTTP 400 the key was rejected: ${detail}`), 'rejected', why, options);
  }
  if ((status === 404 || status === 400) && refusesModel(facts, detail, modelOf(context.label), status)) {
    return new ModelCallError('unknown-model', message(`the provider does not know this model (HTTP ${why}: ${detail})`), options);
  }
  if (status >= 500 || status === 408) return new TransientModelError(message(`HTTP ${status}: ${detail}`), status, options);
  return new ModelCallError('bad-request', message(`HTTP ${status}: ${detail}`), options);
}

function refusesModel(facts: ProviderErrorFacts, detail: string, model: string, status: number): boolean {
  if (facts.codes.some((candidate) => UNKNOWN_MODEL_CODES.has(candidate))) return true;
  const text = facts.message ?? detail;
  // A 404 that speaks of a model (Anthropic `model: x`, Gemini `models/x is not found`, Ollama, vLLM) is
  // about the model; one that does not is a wrong path (a base URL without /v1), not a model problem.
  if (status === 404) return /\bmodels?\b/i.test(text);
  // A 400 must refuse this very model, so a complaint about a parameter too large for it never stops a run.
  return UNKNOWN_MODEL_WORDS.test(text) && text.includes(model);
}

function modelOf(label: string): string {
  const separator = label.indexOf(':');
  return separator < 0 ? label : label.slice(separator + 1);
}

/** Codes, message and retry delay from OpenAI (`{error:{code,type}}`), Anthropic (`{error:{type}}`) and Gemini (`{error:{status,details}}`) bodies. */
function errorFacts(body: unknown): ProviderErrorFacts {
  const parsed = typeof body === 'string' ? parseJson(body) : body;
  const record = asRecord(parsed);
  const error = asRecord(record?.error) ?? record;
  const codes: string[] = [];
  const addCode = (value: unknown): void => {
    if (typeof value === 'string' && value !== '') codes.push(value.toLowerCase());
  };
  addCode(error?.code);
  addCode(error?.type);
  addCode(error?.status);
  let retryDelayMs: number | undefined;
  for (const detail of Array.isArray(error?.details) ? (error.details as unknown[]) : []) {
    const entry = asRecord(detail);
    addCode(entry?.reason);
    const delay = parseProtobufDuration(entry?.retryDelay);
    if (delay !== undefined) retryDelayMs = delay;
  }
  return { codes, message: typeof error?.message === 'string' ? error.message : undefined, retryDelayMs };
}

/** Protocol Buffers' JSON duration: `"37s"`, `"1.5s"`. */
function parseProtobufDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

function headerValue(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name) return value?.trim().toLowerCase();
  }
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
