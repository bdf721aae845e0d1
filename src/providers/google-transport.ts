import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { sharedDirectFetch } from './http-stack.js';
import type { CallObserver, ModelReply, ModelRequest, ProviderTransport } from '../model-call/model-client.js';
import { endpointOf } from './endpoint.js';
import { streamWithSdk, perKey, requireKey, type HttpTransportOptions } from './sdk-generate.js';

export const GOOGLE_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

/** Gemini API (`POST {baseUrl}/models/<model>:streamGenerateContent?alt=sse`). */
export class GoogleTransport implements ProviderTransport {
  readonly provider = 'google';
  readonly model: string;
  readonly needsKey = true;
  readonly streams = true;
  private readonly baseUrl: string;
  private readonly modelFor = perKey((apiKey) =>
    createGoogleGenerativeAI({ apiKey, baseURL: this.baseUrl, fetch: this.options.fetch ?? sharedDirectFetch() }).languageModel(this.model),
  );

  constructor(private readonly options: HttpTransportOptions) {
    this.model = options.model;
    this.baseUrl = options.baseUrl ?? GOOGLE_DEFAULT_BASE_URL;
  }

  async call(request: ModelRequest, apiKey: string | undefined, signal: AbortSignal, observer?: CallObserver): Promise<ModelReply> {
    const label = `google:${this.model}`;
    return streamWithSdk(this.modelFor(requireKey(label, apiKey)), request, {
      label,
      signal,
      now: this.options.now,
      observer,
      endpoint: endpointOf(this.options, this.baseUrl),
    });
  }
}
