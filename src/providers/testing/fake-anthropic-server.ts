import {
  estimateTokens,
  FakeHttpServer,
  type FakeAnswer,
  type FakeProtocol,
  type FakeRequest,
  type FakeServerOptions,
} from './fake-http-server.js';
import { sseEvent } from './fake-stream.js';

interface MessagesBody {
  model?: string;
  messages?: unknown[];
  system?: unknown;
  stream?: boolean;
}

/**
 * Anthropic Messages: POST /v1/messages with `x-api-key: <key>`.
 * Give the SDK `server.baseUrl` (it ends in /v1; the SDK appends /messages). With `stream: true` the
 * answer comes as message_start, content_block_start, ping, content_block_delta (text_delta) events,
 * content_block_stop, a `tool_use` block per tool the reply calls (input_json_delta), message_delta (stop
 * reason and output tokens) and message_stop.
 */
const anthropicProtocol: FakeProtocol = {
  basePath: '/v1',
  matches: (method, path) => method === 'POST' && path === '/v1/messages',
  apiKeyOf(request) {
    const header = request.headers['x-api-key'];
    return typeof header === 'string' ? header : undefined;
  },
  successBody(reply, request) {
    return {
      ...message(reply, request),
      content: [{ type: 'text', text: reply.text }, ...toolUseBlocks(reply)],
      stop_reason: stopReason(reply),
      usage: { input_tokens: inputTokensOf(reply, request), output_tokens: outputTokensOf(reply) },
    };
  },
  errorBody: (status, message) => ({ type: 'error', error: { type: errorType(status), message } }),
  wantsStream: (request) => (request.body as MessagesBody).stream === true,
  streamEvents(reply, request, pieces) {
    const event = (data: { type: string } & Record<string, unknown>): string => sseEvent(data, data.type);
    return {
      opening: [
        event({
          type: 'message_start',
          message: {
            ...message(reply, request),
            content: [],
            stop_reason: null,
            usage: { input_tokens: inputTokensOf(reply, request), output_tokens: 1 },
          },
        }),
        event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
        event({ type: 'ping' }),
      ],
      deltas: pieces.map((piece) => event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })),
      closing: [
        event({ type: 'content_block_stop', index: 0 }),
        ...toolUseBlocks(reply).flatMap(({ input, ...block }, offset) => [
          event({ type: 'content_block_start', index: offset + 1, content_block: { ...block, input: {} } }),
          event({
            type: 'content_block_delta',
            index: offset + 1,
            delta: { type: 'input_json_delta', partial_json: JSON.stringify(input) },
          }),
          event({ type: 'content_block_stop', index: offset + 1 }),
        ]),
        event({
          type: 'message_delta',
          delta: { stop_reason: stopReason(reply), stop_sequence: null },
          usage: { output_tokens: outputTokensOf(reply) },
        }),
        event({ type: 'message_stop' }),
      ],
    };
  },
  streamErrorEvent: () => sseEvent({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error'),
};

let toolUseCount = 0;
let messageCount = 0;

function toolUseBlocks(reply: FakeAnswer): Array<{ type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }> {
  return (reply.toolUses ?? []).map(({ name, input }) => ({ type: 'tool_use', id: `toolu_fake_${++toolUseCount}`, name, input }));
}

function stopReason(reply: FakeAnswer): string {
  return (reply.toolUses ?? []).length > 0 ? 'tool_use' : 'end_turn';
}

function message(reply: FakeAnswer, request: FakeRequest): Record<string, unknown> {
  return {
    id: `msg_fake_${++messageCount}`,
    type: 'message',
    role: 'assistant',
    model: reply.model ?? (request.body as MessagesBody).model ?? 'fake-model',
    stop_sequence: null,
  };
}

function inputTokensOf(reply: FakeAnswer, request: FakeRequest): number {
  const body = request.body as MessagesBody;
  return reply.usage?.inputTokens ?? estimateTokens(JSON.stringify([body.system, body.messages]));
}

function outputTokensOf(reply: FakeAnswer): number {
  return reply.usage?.outputTokens ?? estimateTokens(reply.text);
}

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
