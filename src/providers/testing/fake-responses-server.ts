import {
  estimateTokens,
  FakeHttpServer,
  type FakeAnswer,
  type FakeProtocol,
  type FakeRequest,
  type FakeServerOptions,
} from './fake-http-server.js';
import { sseEvent } from './fake-stream.js';

interface ResponsesBody {
  model?: string;
  input?: unknown;
  instructions?: unknown;
  stream?: boolean;
  tools?: ReadonlyArray<{ type?: string; name?: string }>;
}

type OutputItem = Record<string, unknown> & { type: string; id: string };

/**
 * OpenAI Responses: POST /v1/responses with `Authorization: Bearer <key>`, as Codex speaks it (over
 * HTTP; a client must be told not to try a websocket first, which this server answers with 404 like
 * every other path). With `stream: true` the answer comes as response.created, an assistant `message`
 * item whose text arrives in response.output_text.delta events, one `function_call` item per tool the
 * reply calls (its arguments the JSON of the tool's input), and response.completed with the usage.
 * A tool the request declares as `custom` (Codex's freeform apply_patch) is called with a
 * `custom_tool_call` instead, its input the tool input's `input` string.
 */
const responsesProtocol: FakeProtocol = {
  basePath: '/v1',
  matches: (method, path) => method === 'POST' && path === '/v1/responses',
  apiKeyOf(request) {
    const header = request.headers.authorization;
    return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  },
  successBody: (reply, request) => responseObject(reply, request, 'completed', outputItems(reply, request)),
  errorBody: (status, message) => ({ error: { message, type: errorType(status), code: null, param: null } }),
  wantsStream: (request) => (request.body as ResponsesBody).stream === true,
  streamEvents(reply, request, pieces) {
    let sequence = 0;
    const event = (data: { type: string } & Record<string, unknown>): string =>
      sseEvent({ ...data, sequence_number: sequence++ }, data.type);
    const items = outputItems(reply, request);
    const message = items.find((item) => item.type === 'message');
    const calls = items.filter((item) => item.type !== 'message');
    const textPart = { type: 'output_text', text: '', annotations: [] };
    const messageStart = message
      ? [
          event({
            type: 'response.output_item.added',
            output_index: 0,
            item: { ...message, status: 'in_progress', content: [] },
          }),
          event({ type: 'response.content_part.added', item_id: message.id, output_index: 0, content_index: 0, part: textPart }),
        ]
      : [];
    return {
      opening: [
        event({ type: 'response.created', response: responseObject(reply, request, 'in_progress', []) }),
        event({ type: 'response.in_progress', response: responseObject(reply, request, 'in_progress', []) }),
        ...messageStart,
      ],
      deltas: message
        ? pieces.map((piece) =>
            event({
              type: 'response.output_text.delta',
              item_id: message.id,
              output_index: 0,
              content_index: 0,
              delta: piece,
              logprobs: [],
            }),
          )
        : [],
      closing: [
        ...(message
          ? [
              event({
                type: 'response.output_text.done',
                item_id: message.id,
                output_index: 0,
                content_index: 0,
                text: reply.text,
                logprobs: [],
              }),
              event({
                type: 'response.content_part.done',
                item_id: message.id,
                output_index: 0,
                content_index: 0,
                part: { ...textPart, text: reply.text },
              }),
              event({ type: 'response.output_item.done', output_index: 0, item: message }),
            ]
          : []),
        ...calls.flatMap((item, offset) => {
          const outputIndex = offset + (message ? 1 : 0);
          return [
            event({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, status: 'in_progress' } }),
            event({ type: 'response.output_item.done', output_index: outputIndex, item }),
          ];
        }),
        event({ type: 'response.completed', response: responseObject(reply, request, 'completed', items) }),
      ],
    };
  },
  streamErrorEvent: () =>
    sseEvent(
      {
        type: 'response.failed',
        response: {
          id: 'resp_fake',
          object: 'response',
          status: 'failed',
          error: { code: 'server_error', message: 'The server had an error.' },
        },
      },
      'response.failed',
    ),
};

let itemCount = 0;

/** The reply as Responses output items: its text as an assistant message (when there is text), then its tool calls. */
function outputItems(reply: FakeAnswer, request: FakeRequest): OutputItem[] {
  const customTools = new Set(
    ((request.body as ResponsesBody).tools ?? []).filter((tool) => tool.type === 'custom').map((tool) => tool.name),
  );
  const message: OutputItem[] =
    reply.text === ''
      ? []
      : [
          {
            type: 'message',
            id: `msg_fake_${++itemCount}`,
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: reply.text, annotations: [] }],
          },
        ];
  const calls = (reply.toolUses ?? []).map(({ name, input }): OutputItem => {
    const callId = `call_fake_${++itemCount}`;
    if (customTools.has(name)) {
      const freeform = typeof input.input === 'string' ? input.input : JSON.stringify(input);
      return { type: 'custom_tool_call', id: `ctc_fake_${itemCount}`, call_id: callId, name, input: freeform, status: 'completed' };
    }
    return {
      type: 'function_call',
      id: `fc_fake_${itemCount}`,
      call_id: callId,
      name,
      arguments: JSON.stringify(input),
      status: 'completed',
    };
  });
  return [...message, ...calls];
}

function responseObject(reply: FakeAnswer, request: FakeRequest, status: string, output: OutputItem[]): Record<string, unknown> {
  const body = request.body as ResponsesBody;
  const inputTokens = reply.usage?.inputTokens ?? estimateTokens(JSON.stringify([body.instructions, body.input]));
  const outputTokens = reply.usage?.outputTokens ?? estimateTokens(reply.text + JSON.stringify(reply.toolUses ?? []));
  return {
    id: 'resp_fake',
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model: reply.model ?? body.model ?? 'fake-model',
    output,
    usage:
      status === 'completed'
        ? {
            input_tokens: inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: inputTokens + outputTokens,
          }
        : null,
  };
}

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

export function fakeResponsesServer(options: FakeServerOptions): Promise<FakeHttpServer> {
  return new FakeHttpServer(responsesProtocol, options).start();
}
