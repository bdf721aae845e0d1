import { estimateTokens, FakeHttpServer, type FakeProtocol, type FakeServerOptions } from './fake-http-server.js';

const GENERATE_CONTENT = /^\/v1beta\/models\/([^/:]+):generateContent$/;

/**
 * Gemini API: POST /v1beta/models/<model>:generateContent with `x-goog-api-key: <key>` (or `?key=`).
 * Give the SDK `server.baseUrl` (it ends in /v1beta).
 */
const geminiProtocol: FakeProtocol = {
  basePath: '/v1beta',
  matches: (method, path) => method === 'POST' && GENERATE_CONTENT.test(path),
  apiKeyOf(request, url) {
    const header = request.headers['x-goog-api-key'];
    return typeof header === 'string' ? header : (url.searchParams.get('key') ?? undefined);
  },
  successBody(reply, request) {
    const body = request.body as { contents?: unknown[]; systemInstruction?: unknown };
    const promptTokenCount = reply.usage?.inputTokens ?? estimateTokens(JSON.stringify([body.systemInstruction, body.contents]));
    const candidatesTokenCount = reply.usage?.outputTokens ?? estimateTokens(reply.text);
    return {
      candidates: [{ content: { role: 'model', parts: [{ text: reply.text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount, candidatesTokenCount, totalTokenCount: promptTokenCount + candidatesTokenCount },
      modelVersion: reply.model ?? GENERATE_CONTENT.exec(request.path)?.[1] ?? 'fake-model',
    };
  },
  errorBody: (status, message) => ({ error: { code: status, message, status: errorStatus(status) } }),
};

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
