import { estimateTokens, FakeHttpServer, type FakeProtocol, type FakeServerOptions } from './fake-http-server.js';

/**
 * Anthropic Messages: POST /v1/messages with `x-api-key: <key>`.
 * Give the SDK `server.baseUrl` (it ends in /v1; the SDK appends /messages).
 */
const anthropicProtocol: FakeProtocol = {
  basePath: '/v1',
  matches: (method, path) => method === 'POST' && path === '/v1/messages',
  apiKeyOf(request) {
    const header = request.headers['x-api-key'];
    return typeof header === 'string' ? header : undefined;
  },
  successBody(reply, request) {
    const body = request.body as { model?: string; messages?: unknown[]; system?: unknown };
    return {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: reply.model ?? body.model ?? 'fake-model',
      content: [{ type: 'text', text: reply.text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: reply.usage?.inputTokens ?? estimateTokens(JSON.stringify([body.system, body.messages])),
        output_tokens: reply.usage?.outputTokens ?? estimateTokens(reply.text),
      },
    };
  },
  errorBody: (status, message) => ({ type: 'error', error: { type: errorType(status), message } }),
};

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  if (status === 401) return 'authentication_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export function fakeAnthropicServer(options: FakeServerOptions): Promise<FakeHttpServer> {
  return new FakeHttpServer(anthropicProtocol, options).start();
}
