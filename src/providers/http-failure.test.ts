import { describe, expect, it } from 'vitest';
import { KeyUnusableError, ModelCallError, RateLimitedError, TransientModelError } from '../model-call/errors.js';
import { classifyHttpFailure, type HttpFailure } from './http-failure.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');

function classify(failure: Partial<HttpFailure> & { status: number }, label = 'openai:gpt-4.1'): Error {
  return classifyHttpFailure(
    { detail: 'the server said no', headers: undefined, body: undefined, ...failure },
    { label, nowMs: NOW },
    { cause: undefined },
  );
}

describe('classifyHttpFailure', () => {
  it('rests the key on a plain 429, with the wait the provider announced', () => {
    const error = classify({
      status: 429,
      headers: { 'retry-after-ms': '1500' },
      body: { error: { code: 'rate_limit_exceeded', type: 'requests' } },
    });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(1500);
    expect(error.message).toBe('openai:gpt-4.1: HTTP 429 rate limited: the server said no');
  });

  it("reads Gemini's RetryInfo from the 429 body when no header announces a wait", () => {
    const body = {
      error: {
        code: 429,
        message:
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generate_content_free_tier_requests' }] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' },
        ],
      },
    };
    const error = classify({ status: 429, body: JSON.stringify(body) }, 'google:gemini-2.5-pro');
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(37_000);
  });

  it('sets the key aside when its account has no quota: insufficient_quota, x-should-retry: false, billing words', () => {
    const quota = classify({
      status: 429,
      body: {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      },
    });
    expect(quota).toBeInstanceOf(KeyUnusableError);
    expect(quota).toMatchObject({ kind: 'quota-exhausted', why: '429 insufficient_quota' });

    const noRetry = classify({ status: 429, headers: { 'X-Should-Retry': 'false' }, body: { error: { message: 'slow down' } } });
    expect(noRetry).toMatchObject({ kind: 'quota-exhausted', why: '429 x-should-retry: false' });

    const credit = classify(
      {
        status: 400,
        body: {
          type: 'error',
          error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API.' },
        },
      },
      'anthropic:claude-sonnet-4-5',
    );
    expect(credit).toMatchObject({ kind: 'quota-exhausted', why: '400 invalid_request_error' });
    expect(classify({ status: 402 })).toMatchObject({ kind: 'quota-exhausted' });
  });

  it('sets the key aside when it is rejected: 401, 403, and Gemini’s 400 API_KEY_INVALID', () => {
    expect(
      classify({
        status: 401,
        body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } },
      }),
    ).toMatchObject({
      kind: 'rejected',
      why: '401 invalid_api_key',
    });
    expect(classify({ status: 403, body: { type: 'error', error: { type: 'permission_error', message: 'no' } } })).toMatchObject({
      kind: 'rejected',
      why: '403 permission_error',
    });
    const gemini = classify(
      {
        status: 400,
        detail: 'API key not valid. Please pass a valid API key.',
        body: {
          error: {
            code: 400,
            message: 'API key not valid. Please pass a valid API key.',
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
          },
        },
      },
      'google:gemini-2.5-pro',
    );
    expect(gemini).toBeInstanceOf(KeyUnusableError);
    expect(gemini).toMatchObject({ kind: 'rejected' });
  });

  it('stops on a model the provider does not know, in each provider’s words', () => {
    const cases: Array<[string, HttpFailure['body'], number, string]> = [
      [
        'openai:gpt-4.1x',
        {
          error: {
            message: 'The model `gpt-4.1x` does not exist or you do not have access to it.',
            type: 'invalid_request_error',
            code: 'model_not_found',
          },
        },
        404,
        'model_not_found',
      ],
      [
        'anthropic:claude-sonnet-9',
        { type: 'error', error: { type: 'not_found_error', message: 'model: claude-sonnet-9' } },
        404,
        'not_found_error',
      ],
      [
        'google:gemini-9',
        {
          error: {
            code: 404,
            message: 'models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.',
            status: 'NOT_FOUND',
          },
        },
        404,
        'not_found',
      ],
      ['openai:llama9', { error: { message: "model 'llama9' not found" } }, 404, 'error'],
      ['openai:gpt-x', { error: { message: 'invalid model ID gpt-x', type: 'invalid_request_error' } }, 400, 'invalid_request_error'],
    ];
    for (const [label, body, status, code] of cases) {
      const error = classify({ status, body }, label);
      expect(error, label).toBeInstanceOf(ModelCallError);
      expect((error as ModelCallError).reason, label).toBe('unknown-model');
      expect((error as ModelCallError).stopsRun).toBe(true);
      expect(error.message, label).toContain(`HTTP ${status} ${code}`);
    }
  });

  it('does not stop the run for a 400 that only mentions the model, or a 404 that is a wrong path', () => {
    const tooLong = classify(
      {
        status: 400,
        body: {
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message: 'max_tokens: 100000 > 64000, which is the maximum allowed for claude-sonnet-4-5',
          },
        },
      },
      'anthropic:claude-sonnet-4-5',
    );
    expect(tooLong).toMatchObject({ reason: 'bad-request' });
    expect(classify({ status: 404, body: { error: { message: 'no route for POST /chat/completions' } } })).toMatchObject({
      reason: 'bad-request',
    });
  });

  it('retries server errors and fails other statuses as bad requests', () => {
    expect(classify({ status: 503 })).toBeInstanceOf(TransientModelError);
    expect(classify({ status: 529 })).toBeInstanceOf(TransientModelError);
    expect(classify({ status: 408 })).toBeInstanceOf(TransientModelError);
    expect(classify({ status: 422 })).toMatchObject({ reason: 'bad-request', message: 'openai:gpt-4.1: HTTP 422: the server said no' });
  });
});
