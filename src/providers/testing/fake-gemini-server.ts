import {
  estimateTokens,
  FakeHttpServer,
  type FakeAnswer,
  type FakeProtocol,
  type FakeRequest,
  type FakeServerOptions,
} from './fake-http-server.js';
import { sseEvent } from './fake-stream.js';

const GENERATE_CONTENT = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

interface GenerateBody {
  contents?: unknown[];
  systemInstruction?: unknown;
}

/**
 * Gemini API: POST /v1beta/models/<model>:generateContent with `x-goog-api-key: <key>` (or `?key=`).
 * Give the SDK `server.baseUrl` (it ends in /v1beta). `:streamGenerateContent?alt=sse` answers with
 * `data: {candidates, usageMetadata, modelVersion}` events, the last one with the finish reason and
 * the full usage.
 */
const geminiProtocol: FakeProtocol = {
  basePath: '/v1beta',
  matches: (method, path) => method === 'POST' && GENERATE_CONTENT.test(path),
  apiKeyOf(request, url) {
    const header = request.headers['x-goog-api-key'];
    return typeof header === 'string' ? header : (url.searchParams.get('key') ?? undefined);
  },
  successBody: (reply, request) => response(reply, request, reply.text, true),
  errorBody: (status, message) => ({ error: { code: status, message, status: errorStatus(status) } }),
  wantsStream: (request) => GENERATE_CONTENT.exec(request.path)?.[2] === 'streamGenerateContent',
  streamEvents: (reply, request, pieces) => ({
    opening: [],
    deltas: pieces.map((piece, index) => sseEvent(response(reply, request, piece, index === pieces.length - 1))),
    closing: [],
  }),
  streamErrorEvent: () =>
    sseEvent({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }),
};

/** One GenerateContentResponse: the whole answer, or one piece of a stream (`last` carries the finish). */
function response(reply: FakeAnswer, request: FakeRequest, text: string, last: boolean): Record<string, unknown> {
  const body = request.body as GenerateBody;
  const promptTokenCount = reply.usage?.inputTokens ?? estimateTokens(JSON.stringify([body.systemInstruction, body.contents]));
  const candidatesTokenCount = reply.usage?.outputTokens ?? estimateTokens(reply.text);
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
    usageMetadata: last
      ? { promptTokenCount, candidatesTokenCount, totalTokenCount: promptTokenCount + candidatesTokenCount }
      : { promptTokenCount, totalTokenCount: promptTokenCount },
    modelVersion: reply.model ?? GENERATE_CONTENT.exec(request.path)?.[1] ?? 'fake-model',
  };
}

function errorStatus(status: number): string {
  if (status === 429) return 'RESOURCE_EXHAUSTED';
  if (status === 401 || status === 403) return 'PERMISSION_DENIED';
  if (status === 503) return 'UNAVAILABLE';
  if (status >= 500) return 'INTERNAL';
  return 'INVALID_ARGUMENT';
}

export function fakeGeminiServer(options: FakeServerOptions): Promise<FakeHttpServer> {
  return new FakeHttpServer(geminiProtocol, options).start();
}
