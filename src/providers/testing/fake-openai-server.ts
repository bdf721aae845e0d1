import { estimateTokens, FakeHttpServer, type FakeProtocol, type FakeServerOptions } from './fake-http-server.js';

/**
 * OpenAI Chat Completions: POST /v1/chat/completions with `Authorization: Bearer <key>`.
 * Give the SDK `server.baseUrl` (it ends in /v1; the SDK appends /chat/completions).
 */
const openaiProtocol: FakeProtocol = {
  basePath: '/v1',
  matches: (method, path) => method === 'POST' && path === '/v1/chat/completions',
  apiKeyOf(request) {
    const header = request.headers.authorization;
    return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  },
  successBody(reply, request) {
    const body = request.body as { model?: string; messages?: unknown[] };
    const inputTokens = reply.usage?.inputTokens ?? estimateTokens(JSON.stringify(body.messages ?? []));
    const outputTokens = reply.usage?.outputTokens ?? estimateTokens(reply.text);
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: reply.model ?? body.model ?? 'fake-model',
      choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
    };
  },
  errorBody: (status, message) => ({
    error: { message, type: status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error', code: null },
  }),
};

export function fakeOpenAIServer(options: FakeServerOptions): Promise<FakeHttpServer> {
  return new FakeHttpServer(openaiProtocol, options).start();
}
