import OpenAI, { APIError } from 'openai';
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { abortReason } from '../core/abort.js';
import { ModelCallError, TransientModelError } from '../model-call/errors.js';
import { sharedDirectFetch } from './http-stack.js';
import type { CallObserver, ModelReply, ModelRequest, ModelUsage, ProviderTransport } from '../model-call/model-client.js';
import { translateOpenAIError } from './openai-errors.js';
import { endpointOf } from './endpoint.js';
import type { HttpTransportOptions } from './sdk-generate.js';
import { translateStreamError } from './stream-errors.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Sent when no key is configured: a local OpenAI-compatible server ignores it; the SDK insists on one. */
const KEYLESS_PLACEHOLDER = 'not-needed';

/** The longest timer Node keeps: the SDK's own time-out is pushed out of the way of PooledModelClient's. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** What a streamed answer adds up to, before it is checked. */
interface Collected {
  text: string;
  usage: ModelUsage | undefined;
  model: string | undefined;
  sawChoice: boolean;
  finished: boolean;
}

/**
 * OpenAI Chat Completions (`POST {baseUrl}/chat/completions`, streamed with the usage in the last
 * chunk) through the official `openai` SDK, so any OpenAI-compatible server (vLLM, Ollama, llama.cpp)
 * works. Keys are optional: without one, a placeholder is sent. The official SDK rather than the AI
 * SDK's adapter: it speaks Chat Completions directly, with its own error classes carrying status and
 * headers (see openai-errors.ts).
 */
export class OpenAITransport implements ProviderTransport {
  readonly provider = 'openai';
  readonly model: string;
  readonly needsKey = true;
  readonly streams = true;
  private readonly baseUrl: string;
  private client: OpenAI | undefined;

  constructor(private readonly options: HttpTransportOptions) {
    this.model = options.model;
    this.baseUrl = options.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
  }

  async call(request: ModelRequest, apiKey: string | undefined, signal: AbortSignal, observer?: CallObserver): Promise<ModelReply> {
    const label = `openai:${this.model}`;
    const collected: Collected = { text: '', usage: undefined, model: undefined, sawChoice: false, finished: false };
    try {
      // One SDK client for every key: the key travels with each request, so no client is built per call.
      const { data: stream, response } = await this.sdkClient()
        .chat.completions.create(this.body(request), {
          signal,
          headers: { Authorization: `Bearer ${apiKey ?? KEYLESS_PLACEHOLDER}` },
        })
        .withResponse();
      observer?.onResponse({ status: response.status, headers: Object.fromEntries(response.headers) });
      for await (const chunk of stream) {
        observer?.onBytes();
        if (typeof chunk.model === 'string' && chunk.model !== '') collected.model = chunk.model;
        if (chunk.usage) collected.usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
        const choice = chunk.choices[0];
        if (choice === undefined) continue;
        collected.sawChoice = true;
        if (typeof choice.delta.content === 'string') collected.text += choice.delta.content;
        if (choice.finish_reason) collected.finished = true;
      }
    } catch (error) {
      if (error instanceof APIError) {
        const { status, headers } = error as APIError<number | undefined, Headers | undefined>;
        if (status !== undefined && headers) observer?.onResponse({ status, headers: Object.fromEntries(headers) });
      }
      const context = { label, signal, nowMs: (this.options.now ?? Date.now)(), endpoint: endpointOf(this.options, this.baseUrl) };
      throw translateStreamError(error, context) ?? translateOpenAIError(error, context);
    }
    // The SDK ends its iteration quietly when the signal aborts: what was collected is not an answer.
    if (signal.aborted) throw abortReason(signal);
    return this.reply(collected, label);
  }

  private reply(collected: Collected, label: string): ModelReply {
    if (!collected.sawChoice) {
      throw new ModelCallError('malformed-response', `${label}: the response could not be read (no choice in the streamed answer)`);
    }
    // A stream cut off cleanly (a proxy, a restarting server) reads like a short answer: it is not one.
    if (!collected.finished) throw new TransientModelError(`${label}: the answer ended before the model finished it`, undefined);
    return {
      text: collected.text,
      usage: collected.usage ?? { inputTokens: 0, outputTokens: 0 },
      model: collected.model ?? this.model,
    };
  }

  private sdkClient(): OpenAI {
    this.client ??= new OpenAI({
      // Replaced per request by the leased key's Authorization header.
      apiKey: KEYLESS_PLACEHOLDER,
      baseURL: this.baseUrl,
      fetch: this.options.fetch ?? sharedDirectFetch(),
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

  private body(request: ModelRequest): ChatCompletionCreateParamsStreaming {
    const messages: ChatCompletionMessageParam[] = [];
    if (request.system !== undefined) messages.push({ role: instructionRole(this.model), content: request.system });
    for (const message of request.messages) messages.push({ role: message.role, content: message.content });
    return {
      model: this.model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
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
