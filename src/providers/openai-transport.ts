import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { ModelCallError } from '../model-call/errors.js';
import { sharedHttpFetch } from './http-fetch.js';
import type { ModelReply, ModelRequest, ProviderTransport } from '../model-call/model-client.js';
import { translateOpenAIError } from './openai-errors.js';
import type { HttpTransportOptions } from './sdk-generate.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Sent when no key is configured: a local OpenAI-compatible server ignores it; the SDK insists on one. */
const KEYLESS_PLACEHOLDER = 'not-needed';

/** The longest timer Node keeps: the SDK's own time-out is pushed out of the way of PooledModelClient's. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * OpenAI Chat Completions (`POST {baseUrl}/chat/completions`) through the official `openai` SDK, so
 * any OpenAI-compatible server (vLLM, Ollama, llama.cpp) works. Keys are optional: without one, a
 * placeholder is sent. The official SDK rather than the AI SDK's adapter: it speaks Chat Completions
 * directly, with its own error classes carrying status and headers (see openai-errors.ts).
 */
export class OpenAITransport implements ProviderTransport {
  readonly provider = 'openai';
  readonly model: string;
  readonly needsKey = true;
  private readonly baseUrl: string;
  private client: OpenAI | undefined;

  constructor(private readonly options: HttpTransportOptions) {
    this.model = options.model;
    this.baseUrl = options.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
  }

  async call(request: ModelRequest, apiKey: string | undefined, signal: AbortSignal): Promise<ModelReply> {
    const label = `openai:${this.model}`;
    try {
      // One SDK client for every key: the key travels with each request, so no client is built per call.
      const completion = await this.sdkClient().chat.completions.create(this.body(request), {
        signal,
        headers: { Authorization: `Bearer ${apiKey ?? KEYLESS_PLACEHOLDER}` },
      });
      const text = completion.choices[0]?.message.content;
      if (typeof text !== 'string') {
        throw new ModelCallError('malformed-response', `${label}: the response could not be read (no message content in the first choice)`);
      }
      return {
        text,
        usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
        model: typeof completion.model === 'string' && completion.model !== '' ? completion.model : this.model,
      };
    } catch (error) {
      throw translateOpenAIError(error, { label, signal, nowMs: (this.options.now ?? Date.now)() });
    }
  }

  private sdkClient(): OpenAI {
    this.client ??= new OpenAI({
      // Replaced per request by the leased key's Authorization header.
      apiKey: KEYLESS_PLACEHOLDER,
      baseURL: this.baseUrl,
      fetch: this.options.fetch ?? sharedHttpFetch(),
      // The key pool owns retries and 429 waits; PooledModelClient and the item's signal bound the call.
      maxRetries: 0,
      timeout: LONGEST_TIMER_MS,
      // Explicit, so nothing is read from process.env behind lldflow's back and nothing is printed.
      adminAPIKey: null,
      organization: null,
      project: null,
      webhookSecret: null,
      logLevel: 'off',
    });
    return this.client;
  }

  private body(request: ModelRequest): ChatCompletionCreateParamsNonStreaming {
    const messages: ChatCompletionMessageParam[] = [];
    if (request.system !== undefined) messages.push({ role: instructionRole(this.model), content: request.system });
    for (const message of request.messages) messages.push({ role: message.role, content: message.content });
    return {
      model: this.model,
      messages,
      ...(request.maxOutputTokens === undefined ? {} : { max_completion_tokens: request.maxOutputTokens }),
      // Not strict: strict mode rejects (HTTP 400) any schema with optional fields; lldflow validates answers itself.
      ...(request.jsonSchema
        ? {
            response_format: {
              type: 'json_schema',
              json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: false },
            },
          }
        : {}),
    };
  }
}

/**
 * OpenAI's reasoning models (o-series, GPT-5 and later except the `-chat` variants) take their
 * instructions as a `developer` message; every other model, and OpenAI-compatible servers, as `system`.
 */
export function instructionRole(model: string): 'system' | 'developer' {
  if (/^o\d+(?:-|$)/.test(model)) return 'developer';
  const gpt = /^gpt-(\d+)/.exec(model);
  return gpt && Number(gpt[1]) >= 5 && !model.includes('-chat') ? 'developer' : 'system';
}
