import { createOpenAI } from '@ai-sdk/openai';
import type { ModelReply, ModelRequest, ProviderTransport } from './model-client.js';
import { generateWithSdk, perKey, type HttpTransportOptions } from './sdk-generate.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Sent when no key is configured: a local OpenAI-compatible server ignores it; the SDK insists on one. */
const KEYLESS_PLACEHOLDER = 'not-needed';

/**
 * OpenAI Chat Completions (`POST {baseUrl}/chat/completions`), so any OpenAI-compatible server
 * (vLLM, Ollama, llama.cpp) works. Keys are optional: without one, a placeholder is sent.
 */
export class OpenAITransport implements ProviderTransport {
  readonly provider = 'openai';
  readonly model: string;
  readonly needsKey = true;
  private readonly baseUrl: string;
  private readonly modelFor = perKey((apiKey) => createOpenAI({ apiKey, baseURL: this.baseUrl, fetch: this.options.fetch }).chat(this.model));

  constructor(private readonly options: HttpTransportOptions) {
    this.model = options.model;
    // Always explicit: left undefined, the SDK would read OPENAI_BASE_URL from process.env behind our back.
    this.baseUrl = options.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
  }

  call(request: ModelRequest, apiKey: string | undefined, signal: AbortSignal): Promise<ModelReply> {
    return generateWithSdk(this.modelFor(apiKey ?? KEYLESS_PLACEHOLDER), request, {
      label: `openai:${this.model}`,
      apiKey,
      signal,
      now: this.options.now,
      // Strict mode rejects (HTTP 400) any schema with optional fields; lldflow validates answers itself.
      providerOptions: { openai: { strictJsonSchema: false } },
    });
  }
}
