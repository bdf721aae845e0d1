import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { abortReason } from '../src/core/abort.js';
import type { ModelReply, ModelRequest, ProviderTransport } from '../src/model-call/model-client.js';
import { chatCompletionBody, chatCompletionReply, connectionFailure } from './chat-completion-reply.js';
import { SeenRateLimits } from './seen-rate-limits.js';

/**
 * OpenAI Chat Completions over node:http with a keep-alive agent: the cheapest real HTTP call Node
 * offers, so what the synthetic scenarios measure beyond it is lldflow (the default `--transport`).
 */
export class HttpTransport implements ProviderTransport {
  readonly provider = 'openai';
  readonly needsKey = true;
  private readonly url: URL;
  private readonly agent = new Agent({ keepAlive: true });
  private readonly seenRateLimits = new SeenRateLimits();

  constructor(
    baseUrl: string,
    readonly model: string,
  ) {
    this.url = new URL(`${baseUrl}/chat/completions`);
  }

  async call(request: ModelRequest, apiKey: string | undefined, signal: AbortSignal): Promise<ModelReply> {
    const body = chatCompletionBody(request, this.model);
    const { status, headers, text } = await this.post(body, apiKey, signal);
    if (status === 429) this.seenRateLimits.received(apiKey);
    return chatCompletionReply(status, flatHeaders(headers), text, this.model);
  }

  private post(
    body: string,
    apiKey: string | undefined,
    signal: AbortSignal,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          path: this.url.pathname,
          method: 'POST',
          signal,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...this.seenRateLimits.headerFor(apiKey),
            ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
          response.on('error', (error) => reject(signal.aborted ? abortReason(signal) : connectionFailure(error)));
        },
      );
      outgoing.on('error', (error) => reject(signal.aborted ? abortReason(signal) : connectionFailure(error)));
      outgoing.end(body);
    });
  }
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
