import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import type { KeyEvent } from '../keys/call-with-key.js';
import { KeyPool } from '../keys/key-pool.js';
import type { ModelRequest, ProviderTransport } from '../model-call/model-client.js';
import { AnthropicTransport } from './anthropic-transport.js';
import { GoogleTransport } from './google-transport.js';
import { createHttpStack, type FetchFunction } from './http-stack.js';
import { OpenAITransport } from './openai-transport.js';
import { PooledModelClient } from './pooled-model-client.js';
import { CountingProxy } from './testing/counting-proxy.js';
import { fakeAnthropicServer } from './testing/fake-anthropic-server.js';
import { fakeGeminiServer } from './testing/fake-gemini-server.js';
import type { FakeHttpServer, FakeReply, FakeServerOptions } from './testing/fake-http-server.js';
import { fakeOpenAIServer } from './testing/fake-openai-server.js';

const KEY = 'streaming-test-key-1234';
const TEXT = 'The design, in four parts: context, data, flow, and tests.';

interface ProviderCase {
  provider: string;
  model: string;
  startServer(options: FakeServerOptions): Promise<FakeHttpServer>;
  transport(baseUrl: string, fetch?: FetchFunction): ProviderTransport;
  /** Whether the request the server received asked for a stream the provider's way. */
  askedToStream(path: string, body: Record<string, unknown>): boolean;
  /** What the retry line says about an error event in the middle of the stream. */
  midStreamError: RegExp;
  /** Whether the SDK reports the model the server named (the AI SDK's Gemini provider keeps the one asked for). */
  reportsAnsweringModel: boolean;
}

const cases: ProviderCase[] = [
  {
    provider: 'openai',
    model: 'gpt-4o',
    startServer: fakeOpenAIServer,
    transport: (baseUrl, fetch) => new OpenAITransport({ model: 'gpt-4o', baseUrl, fetch }),
    askedToStream: (_path, body) => body.stream === true && (body.stream_options as { include_usage?: boolean }).include_usage === true,
    midStreamError: /the stream reported server_error/,
    reportsAnsweringModel: true,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    startServer: fakeAnthropicServer,
    transport: (baseUrl, fetch) => new AnthropicTransport({ model: 'claude-sonnet-4-5', baseUrl, fetch }),
    askedToStream: (_path, body) => body.stream === true,
    midStreamError: /overloaded/i,
    reportsAnsweringModel: true,
  },
  {
    provider: 'google',
    model: 'gemini-2.5-flash',
    startServer: fakeGeminiServer,
    transport: (baseUrl, fetch) => new GoogleTransport({ model: 'gemini-2.5-flash', baseUrl, fetch }),
    askedToStream: (path) => path.endsWith(':streamGenerateContent'),
    midStreamError: /HTTP 503/,
    reportsAnsweringModel: false,
  },
];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function request(): ModelRequest {
  return {
    role: 'drafter',
    trace: { itemId: '7', step: 'draft-1' },
    messages: [{ role: 'user', content: 'Design it.' }],
    signal: neverAborted,
  };
}
const neverAborted = new AbortController().signal;

/** Replies in order; the last one repeats. */
function scripted(...replies: FakeReply[]): () => FakeReply {
  let index = 0;
  return () => replies[Math.min(index++, replies.length - 1)]!;
}

describe.each(cases)('$provider streaming', (testCase) => {
  async function server(...replies: FakeReply[]): Promise<FakeHttpServer> {
    const started = await testCase.startServer({ respond: scripted(...replies) });
    cleanups.push(() => started.close());
    return started;
  }

  /** Real time, as the sockets are real: the stall time-out is short and the back-off between attempts nearly none. */
  function client(fake: FakeHttpServer, stallTimeoutMs: number): PooledModelClient {
    return new PooledModelClient({
      transport: testCase.transport(fake.baseUrl),
      pool: new KeyPool({ provider: testCase.provider, keys: [KEY], clock: systemClock }),
      clock: systemClock,
      stallTimeoutMs,
      transientBackoff: { baseMs: 1, maxMs: 1 },
    });
  }

  it('brings the text, usage and answering model through the real SDK from a streamed answer', async () => {
    const fake = await server({
      text: TEXT,
      model: `${testCase.model}-2026-01-01`,
      usage: { inputTokens: 321, outputTokens: 54 },
      stream: { chunks: 5 },
    });

    const reply = await testCase.transport(fake.baseUrl).call(request(), KEY, neverAborted);

    expect(reply).toEqual({
      text: TEXT,
      usage: { inputTokens: 321, outputTokens: 54 },
      model: testCase.reportsAnsweringModel ? `${testCase.model}-2026-01-01` : testCase.model,
    });
    expect(testCase.askedToStream(fake.requests[0]!.path, fake.requests[0]!.body as Record<string, unknown>)).toBe(true);
  });

  it('tells the call observer of the response headers (also of an error) and of every part of the answer', async () => {
    const fake = await server(
      { status: 429, headers: { 'x-ratelimit-remaining-requests': '0' } },
      { text: TEXT, headers: { 'x-ratelimit-remaining-requests': '41' }, stream: { chunks: 5 } },
    );
    const seen = { headers: [] as Array<[number, string | undefined]>, bytes: 0 };
    const observer = {
      onResponse: ({ status, headers }: { status: number; headers: Record<string, string> }) =>
        seen.headers.push([status, headers['x-ratelimit-remaining-requests']]),
      onBytes: () => (seen.bytes += 1),
    };

    await expect(testCase.transport(fake.baseUrl).call(request(), KEY, neverAborted, observer)).rejects.toThrow(/429/);
    await testCase.transport(fake.baseUrl).call(request(), KEY, neverAborted, observer);

    expect(seen.headers).toEqual([
      [429, '0'],
      [200, '41'],
    ]);
    expect(seen.bytes).toBeGreaterThanOrEqual(5);
  });

  it('cuts a stream that stalls after stallTimeoutMs and retries it', async () => {
    const fake = await server({ text: TEXT, stream: { chunks: 4, stallAfterChunks: 1 } }, { text: TEXT });
    const events: KeyEvent[] = [];

    const response = await client(fake, 300).complete(request(), { onKeyEvent: (event) => events.push(event) });

    expect(response.text).toBe(TEXT);
    expect(fake.requests).toHaveLength(2);
    expect(await fake.waitForOutcome(0)).toBe('client-closed');
    expect(events).toEqual([
      expect.objectContaining({
        type: 'transient-retry',
        message: `${testCase.provider}:${testCase.model}: the answer stalled: no bytes for 300 ms`,
      }),
    ]);
  });

  it('counts the wait for the response headers as a stall too', async () => {
    const fake = await server({ hang: true }, { text: TEXT });

    const response = await client(fake, 300).complete(request());

    expect(response.text).toBe(TEXT);
    expect(fake.requests).toHaveLength(2);
  });

  it('never cuts a long stream that keeps sending', async () => {
    const fake = await server({ text: TEXT, stream: { chunks: 20, intervalMs: 50 } });

    const response = await client(fake, 300).complete(request());

    expect(response.text).toBe(TEXT);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries an answer whose stream reports an error after it began', async () => {
    const fake = await server({ text: TEXT, stream: { chunks: 4, failAfterChunks: 2 } }, { text: TEXT });
    const events: KeyEvent[] = [];

    const response = await client(fake, 60_000).complete(request(), { onKeyEvent: (event) => events.push(event) });

    expect(response.text).toBe(TEXT);
    expect(fake.requests).toHaveLength(2);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'transient-retry', message: expect.stringMatching(testCase.midStreamError) as unknown });
  });

  it('retries an answer whose stream ended before the model finished it', async () => {
    const fake = await server({ text: TEXT, stream: { chunks: 4, endAfterChunks: 2 } }, { text: TEXT });
    const events: KeyEvent[] = [];

    const response = await client(fake, 60_000).complete(request(), { onKeyEvent: (event) => events.push(event) });

    expect(response.text).toBe(TEXT);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'transient-retry',
        message: `${testCase.provider}:${testCase.model}: the answer ended before the model finished it`,
      }),
    ]);
  });

  it('goes through the proxy HTTP_PROXY or http_proxy names, and past it for a NO_PROXY host', async () => {
    const fake = await server({ text: TEXT });
    const proxy = await new CountingProxy().start();
    cleanups.push(() => proxy.close());
    const target = new URL(fake.baseUrl).host;
    const callWith = (env: Record<string, string>) =>
      testCase.transport(fake.baseUrl, createHttpStack({ env })).call(request(), KEY, neverAborted);

    expect((await callWith({ HTTP_PROXY: proxy.url })).text).toBe(TEXT);
    expect((await callWith({ http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' })).text).toBe(TEXT);
    expect(proxy.countFor(target)).toBe(2);

    expect((await callWith({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' })).text).toBe(TEXT);
    expect(proxy.countFor(target)).toBe(2);
    expect(fake.requests).toHaveLength(3);
  });
});
