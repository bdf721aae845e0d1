import { createAnthropic } from '@ai-sdk/anthropic';
import { sharedDirectFetch } from './http-stack.js';
import type { CallObserver, ModelReply, ModelRequest, ProviderTransport } from '../model-call/model-client.js';
import { endpointOf } from './endpoint.js';
import { streamWithSdk, perKey, requireKey, type HttpTransportOptions } from './sdk-generate.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com/v1';

/** Anthropic Messages API (`POST {baseUrl}/messages`, streamed). */
export class AnthropicTransport implements ProviderTransport {
  readonly provider = 'anthropic';
  readonly model: string;
  readonly needsKey = true;
  readonly streams = true;
  private readonly baseUrl: string;
  private readonly modelFor = perKey((apiKey) =>
    createAnthropic({ apiKey, baseURL: this.baseUrl, fetch: this.options.fetch ?? sharedDirectFetch() }).messages(this.model),
  );

  constructor(private readonly options: HttpTransportOptions) {
    this.model = options.model;
    // Always explicit: left undefined, the SDK would read ANTHROPIC_BASE_URL from process.env.
    this.baseUrl = options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL;
  }

  async call(request: ModelRequest, apiKey: string | undefined, signal: AbortSignal, observer?: CallObserver): Promise<ModelReply> {
    const label = `anthropic:${this.model}`;
    return streamWithSdk(this.modelFor(requireKey(label, apiKey)), request, {
      label,
      signal,
      now: this.options.now,
      observer,
      endpoint: endpointOf(this.options, this.baseUrl),
    });
  }
}
