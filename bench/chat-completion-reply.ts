import { parseRetryAfter } from '../src/keys/retry-after.js';
import { ModelCallError, RateLimitedError, TransientModelError } from '../src/model-call/errors.js';
import type { ModelReply, ModelRequest } from '../src/model-call/model-client.js';

interface ChatCompletion {
  model?: string;
  choices?: Array<{ message?: { content?: string | null } }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** The Chat Completions request body for one call. */
export function chatCompletionBody(request: ModelRequest, model: string): string {
  const messages = [...(request.system === undefined ? [] : [{ role: 'system', content: request.system }]), ...request.messages];
  return JSON.stringify({ model, messages, max_tokens: request.maxOutputTokens });
}

/**
 * One HTTP answer under the ProviderTransport contract: 429 → RateLimitedError with the announced wait,
 * 5xx → TransientModelError, any other non-200 → ModelCallError, 200 → the reply.
 */
export function chatCompletionReply(status: number, headers: Record<string, string | undefined>, body: string, model: string): ModelReply {
  if (status === 429) throw new RateLimitedError('openai: rate limited (429)', parseRetryAfter(headers, Date.now()));
  if (status >= 500) throw new TransientModelError(`openai: server error ${status}`, status);
  if (status !== 200)
    throw new ModelCallError(status === 401 || status === 403 ? 'authentication' : 'bad-request', `openai: HTTP ${status}`);
  let parsed: ChatCompletion;
  try {
    parsed = JSON.parse(body) as ChatCompletion;
  } catch (error) {
    throw new ModelCallError('malformed-response', 'openai: the reply is not JSON', { cause: error });
  }
  const text = parsed.choices?.[0]?.message?.content;
  if (typeof text !== 'string') throw new ModelCallError('malformed-response', 'openai: the reply has no message content');
  return {
    text,
    usage: { inputTokens: parsed.usage?.prompt_tokens ?? 0, outputTokens: parsed.usage?.completion_tokens ?? 0 },
    model: parsed.model ?? model,
  };
}

export function connectionFailure(error: unknown): TransientModelError {
  return new TransientModelError(`openai: connection failed: ${error instanceof Error ? error.message : String(error)}`, undefined, {
    cause: error,
  });
}
