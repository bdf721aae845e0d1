import { createGoogleGenerativeAI } from '@ai-sdk/google';
import type { ModelReply, ModelRequest, ProviderTransport } from './model-client.js';
import { generateWithSdk, requireKey, type HttpTransportOptions } from './sdk-generate.js';

export const GOOGLE_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

/** Gemini API (`POST {baseUrl}/models/<model>:generateContent`). */
export class GoogleTransport implements ProviderTransport {
  readonly provider = 'google';
  readonly model: string;
  readonly needsKey = true;
  private readonly baseUrl: string;

  constructor(private readonly options: HttpTransportOptions) {
    this.model = options.model;
    this.baseUrl = options.baseUrl ?? GOOGLE_DEFAULT_BASE_URL;
  }

  async call(request: ModelRequest, apiKey: string | undefined, signal: AbortSignal): Promise<ModelReply> {
    const label = `google:${this.model}`;
    const provider = createGoogleGenerativeAI({ apiKey: requireKey(label, apiKey), baseURL: this.baseUrl, fetch: this.options.fetch });
    return generateWithSdk(provider.languageModel(this.model), request, { label, apiKey, signal, now: this.options.now });
  }
}
