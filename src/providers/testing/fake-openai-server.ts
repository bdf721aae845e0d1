import {
  estimateTokens,
  FakeHttpServer,
  type FakeAnswer,
  type FakeProtocol,
  type FakeRequest,
  type FakeServerOptions,
} from './fake-http-server.js';
import { sseEvent } from './fake-stream.js';

interface ChatBody {
  model?: string;
  messages?: unknown[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

/**
 * OpenAI Chat Completions: POST /v1/chat/completions with `Authorization: Bearer <key>`.
 * Give the SDK `server.baseUrl` (it ends in /v1; the SDK appends /chat/completions). With
 * `stream: true` the answer comes as `chat.completion.chunk` events, the usage in a last chunk with
 * no choices when `stream_options.include_usage` asks for it, then `data: [DONE]`.
 */
const openaiProtocol: FakeProtocol = {
  basePath: '/v1',
  matches: (method, path) => method === 'POST' && path === '/v1/chat/completions',
  apiKeyOf(request) {
    const header = request.headers.authorization;
    return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  },
  successBody(reply, request) {
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: modelOf(reply, request),
      choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: 'stop' }],
      usage: usageOf(reply, request),
    };
  },
  errorBody: (status, message) => ({ error: { message, type: errorType(status), code: null } }),
  wantsStream: (request) => (request.body as ChatBody).stream === true,
  streamEvents(reply, request, pieces) {
    const withUsage = (request.body as ChatBody).stream_options?.include_usage === true;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
      sseEvent({
        id: 'chatcmpl-fake',
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model: modelOf(reply, request),
        system_fingerprint: null,
        choices,
        ...(withUsage ? { usage: null } : {}),
        ...extra,
      });
    const delta = (content: Record<string, unknown>, finishReason: string | null = null) => ({
      index: 0,
      delta: content,
      logprobs: null,
      finish_reason: finishReason,
    });
    return {
      opening: [chunk([delta({ role: 'assistant', content: '', refusal: null })])],
      deltas: pieces.map((piece) => chunk([delta({ content: piece })])),
      closing: [chunk([delta({}, 'stop')]), ...(withUsage ? [chunk([], { usage: usageOf(reply, request) })] : []), sseEvent('[DONE]')],
    };
  },
  streamErrorEvent: () => sseEvent({ error: { message: 'The server had an error while processing your request.', type: 'server_error' } }),
};

function modelOf(reply: FakeAnswer, request: FakeRequest): string {
  return reply.model ?? (request.body as ChatBody).model ?? 'fake-model';
}

function usageOf(reply: FakeAnswer, request: FakeRequest): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const inputTokens = reply.usage?.inputTokens ?? estimateTokens(JSON.stringify((request.body as ChatBody).messages ?? []));
  const outputTokens = reply.usage?.outputTokens ?? estimateTokens(reply.text);
  return { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

export function fakeOpenAIServer(options: FakeServerOptions): Promise<FakeHttpServer> {
  return new FakeHttpServer(openaiProtocol, options).start();
}
