import { abortReason } from '../src/core/abort.js';
import type { ModelReply, ModelRequest, ProviderTransport } from '../src/model-call/model-client.js';
import { chatCompletionBody, chatCompletionReply, connectionFailure } from './chat-completion-reply.js';
import { SeenRateLimits } from './seen-rate-limits.js';

/**
 * OpenAI Chat Completions over Node's global `fetch` (undici, connections kept alive by default).
 * `--transport fetch`: on Node 20 one fetch costs several times the CPU of a node:http request.
 */
export class FetchTransport implements ProviderTransport {
  readonly provider = 'openai';
  readonly needsKey = true;
  private readonly url: string;
  private readonly seenRateLimits = new SeenRateLimits();

  constructor(
    baseUrl: string,
    readonly model: string,
  ) {
    this.url = `${baseUrl}/chat/completions`;
  }

  async call(request: ModelRequest, apiKey: string | undefined, signal: AbortSignal): Promise<ModelReply> {
    let status: number;
    let headers: Record<string, string>;
    let body: string;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...this.seenRateLimits.headerFor(apiKey),
          ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
        },
        body: chatCompletionBody(request, this.model),
        signal,
      });
      status = response.status;
      headers = Object.fromEntries(response.headers);
      body = await response.text();
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      throw connectionFailure(error);
    }
    if (status === 429) this.seenRateLimits.received(apiKey);
    return chatCompletionReply(status, headers, body, this.model);
  }
}
