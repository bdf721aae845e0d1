import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../clock/clock.js';
import { FakeClock } from '../clock/testing/fake-clock.js';
import type { KeyEvent } from '../keys/call-with-key.js';
import { KeyPool } from '../keys/key-pool.js';
import { SecretRedactor } from '../keys/redact.js';
import { InterruptedError } from '../core/errors.js';
import { AnthropicTransport } from './anthropic-transport.js';
import { ModelCallError } from '../model-call/errors.js';
import { GoogleTransport } from './google-transport.js';
import type { ModelRequest, ProviderTransport } from '../model-call/model-client.js';
import { OpenAITransport } from './openai-transport.js';
import { PooledModelClient } from './pooled-model-client.js';
import { fakeAnthropicServer } from './testing/fake-anthropic-server.js';
import { fakeGeminiServer } from './testing/fake-gemini-server.js';
import type { FakeHttpServer, FakeReply, FakeResponder, FakeServerOptions } from './testing/fake-http-server.js';
import { fakeOpenAIServer } from './testing/fake-openai-server.js';
import { InstantClock } from './testing/instant-clock.js';

const FIRST_KEY = 'first-secret-value-1111';
const SECOND_KEY = 'second-secret-value-2222';

interface ProviderCase {
  provider: string;
  model: string;
  startServer(options: FakeServerOptions): Promise<FakeHttpServer>;
  transport(baseUrl: string, model: string): ProviderTransport;
  /** Where the request body shows that structured output was asked for. */
  structuredOutput(body: Record<string, unknown>): unknown;
}

const cases: ProviderCase[] = [
  {
    provider: 'openai',
    model: 'gpt-4o',
    startServer: fakeOpenAIServer,
    transport: (baseUrl, model) => new OpenAITransport({ model, baseUrl }),
    structuredOutput: (body) => body.response_format,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    startServer: fakeAnthropicServer,
    transport: (baseUrl, model) => new AnthropicTransport({ model, baseUrl }),
    structuredOutput: (body) => (body.output_config as Record<string, unknown> | undefined)?.format,
  },
  {
    provider: 'google',
    model: 'gemini-2.5-flash',
    startServer: fakeGeminiServer,
    transport: (baseUrl, model) => new GoogleTransport({ model, baseUrl }),
    structuredOutput: (body) => (body.generationConfig as Record<string, unknown> | undefined)?.responseMimeType,
  },
];

let servers: FakeHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

function request(signal = new AbortController().signal, extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    role: 'drafter',
    trace: { itemId: '42', step: 'draft-1' },
    system: 'You write low-level designs.',
    messages: [{ role: 'user', content: 'Design issue 42.' }],
    signal,
    ...extra,
  };
}

/** Replies in order; the last one repeats. */
function scripted(...replies: FakeReply[]): FakeResponder {
  let index = 0;
  return () => replies[Math.min(index++, replies.length - 1)]!;
}

describe.each(cases)('$provider transport through PooledModelClient', (testCase) => {
  async function setUp(respond: FakeResponder, options: { clock?: Clock; callTimeoutMs?: number; keys?: string[] } = {}) {
    const server = await testCase.startServer({ respond });
    servers.push(server);
    const clock = options.clock ?? new InstantClock();
    const keys = options.keys ?? [FIRST_KEY, SECOND_KEY];
    const pool = new KeyPool({ provider: testCase.provider, keys, clock, random: () => 0.5 });
    const redactor = new SecretRedactor(keys.map((value, index) => ({ value, name: `${testCase.provider}#${index + 1}` })));
    const client = new PooledModelClient({
      transport: testCase.transport(server.baseUrl, testCase.model),
      pool,
      clock,
      redactor,
      callTimeoutMs: options.callTimeoutMs,
      random: () => 0.5,
    });
    return { server, client, clock };
  }

  it('returns the text, usage, model, key name and cost of a successful call', async () => {
    const { server, client } = await setUp(() => ({ text: '# LLD-042\n\nThe design.', usage: { inputTokens: 1200, outputTokens: 300 } }));

    const response = await client.complete(request());

    expect(response.text).toBe('# LLD-042\n\nThe design.');
    expect(response.usage).toEqual({ inputTokens: 1200, outputTokens: 300 });
    expect(response.model).toBe(testCase.model);
    expect(response.provider).toBe(testCase.provider);
    expect(response.keyName).toBe(`${testCase.provider}#1`);
    expect(response.costUsd).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.apiKey).toBe(FIRST_KEY);
    const body = JSON.stringify(server.requests[0]!.body);
    expect(body).toContain('You write low-level designs.');
    expect(body).toContain('Design issue 42.');
  });

  it('asks for JSON with the provider structured-output feature and returns the text unparsed', async () => {
    const { server, client } = await setUp(() => ({ text: '{"verdict":"APPROVED"}' }));
    const schema = { type: 'object', properties: { verdict: { type: 'string' } }, required: ['verdict'] };

    const response = await client.complete(request(undefined, { jsonSchema: { name: 'verdict', schema } }));

    expect(response.text).toBe('{"verdict":"APPROVED"}');
    expect(testCase.structuredOutput(server.requests[0]!.body as Record<string, unknown>)).toBeTruthy();
    expect(JSON.stringify(server.requests[0]!.body)).toContain('"verdict"');
  });

  it('moves to the other key after a 429 with retry-after and succeeds', async () => {
    const { server, client } = await setUp(scripted({ status: 429, retryAfterSeconds: 7 }, { text: 'done' }));
    const events: KeyEvent[] = [];
    const lines: string[] = [];

    const response = await client.complete(request(), { onKeyEvent: (event) => events.push(event), log: (line) => lines.push(line) });

    expect(response.text).toBe('done');
    expect(response.keyName).toBe(`${testCase.provider}#2`);
    expect(server.requests.map((record) => record.apiKey)).toEqual([FIRST_KEY, SECOND_KEY]);
    expect(events).toEqual([
      { type: 'rate-limited', provider: testCase.provider, keyName: `${testCase.provider}#1`, cooldownMs: 7000, announced: true },
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${testCase.provider}#1`);
    expect(lines.join('\n')).not.toContain(FIRST_KEY);
  });

  it('retries a 500 twice with back-off on the clock, then succeeds', async () => {
    const clock = new InstantClock();
    const { server, client } = await setUp(scripted({ status: 500 }, { status: 500 }, { text: 'third time' }), { clock });
    const events: KeyEvent[] = [];

    const response = await client.complete(request(), { onKeyEvent: (event) => events.push(event) });

    expect(response.text).toBe('third time');
    expect(server.requests).toHaveLength(3);
    expect(events.map((event) => event.type)).toEqual(['transient-retry', 'transient-retry']);
    const delays = events.map((event) => (event.type === 'transient-retry' ? event.delayMs : -1));
    for (const delay of delays) expect(clock.sleeps).toContain(delay);
  });

  it('fails as server after a 500 on every attempt', async () => {
    const { server, client } = await setUp(() => ({ status: 503, message: `overloaded while serving ${FIRST_KEY}` }));

    const error = await client.complete(request()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('server');
    expect(server.requests).toHaveLength(3);
    expect((error as Error).message).not.toContain(FIRST_KEY);
    expect((error as Error).message).not.toContain(SECOND_KEY);
  });

  it('fails as malformed-response on a body that is not JSON, without retrying', async () => {
    const { server, client } = await setUp(() => ({ malformed: true }));

    const error = await client.complete(request()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('malformed-response');
    expect(server.requests).toHaveLength(1);
  });

  it('sets each key answered 401 aside, then fails at once, and never repeats the key the server echoed', async () => {
    const { server, client } = await setUp((incoming) => ({
      status: 401,
      message: `Incorrect API key provided: ${incoming.apiKey ?? ''}`,
    }));

    const error = await client.complete(request()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('no-usable-key');
    expect((error as Error).message).toMatch(/^every \w+ key is set aside: \w+#1 rejected \(401 [^)]*\), \w+#2 rejected \(401 /);
    expect((error as Error).message).not.toContain(FIRST_KEY);
    // One request per key, each set aside after its first 401.
    expect(server.requests.map((record) => record.apiKey)).toEqual([FIRST_KEY, SECOND_KEY]);
  });

  it('fails as bad-request on a 400 with the server message but not the key', async () => {
    const { client } = await setUp((incoming) => ({ status: 400, message: `max_tokens too large (key ${incoming.apiKey ?? ''})` }));

    const error = await client.complete(request()).catch((caught: unknown) => caught);

    expect((error as ModelCallError).reason).toBe('bad-request');
    expect((error as Error).message).toContain('max_tokens too large');
    expect((error as Error).message).not.toContain(FIRST_KEY);
  });

  it('times out a hung response after callTimeoutMs on the clock and closes the connection', async () => {
    const clock = new FakeClock();
    const { server, client } = await setUp(() => ({ hang: true }), { clock, callTimeoutMs: 5000 });

    const pending = client.complete(request()).catch((caught: unknown) => caught);
    await server.waitForRequests(1);
    await clock.advance(4999);
    expect(server.requests[0]!.outcome).toBe('pending');
    await clock.advance(1);
    const error = await pending;

    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('timeout');
    expect((error as Error).message).toBe(`${testCase.provider}:${testCase.model} call timed out after 5 s`);
    expect(await server.waitForOutcome(0)).toBe('client-closed');
    expect(server.requests).toHaveLength(1);
  });

  it('aborts the in-flight HTTP call when the signal aborts, with the signal reason', async () => {
    const clock = new FakeClock();
    const { server, client } = await setUp(() => ({ hang: true }), { clock });
    const controller = new AbortController();
    const reason = new InterruptedError();

    const pending = client.complete(request(controller.signal)).catch((caught: unknown) => caught);
    await server.waitForRequests(1);
    controller.abort(reason);

    expect(await pending).toBe(reason);
    expect(await server.waitForOutcome(0)).toBe('client-closed');
  });
});

describe('OpenAI-compatible server without keys', () => {
  it('sends a placeholder key, never a real one, and reports no key name', async () => {
    const server = await fakeOpenAIServer({ respond: () => ({ text: 'local answer', model: 'llama3' }) });
    servers.push(server);
    const clock = new InstantClock();
    const client = new PooledModelClient({
      transport: new OpenAITransport({ model: 'llama3', baseUrl: server.baseUrl }),
      pool: new KeyPool({ provider: 'openai', keys: [], clock }),
      clock,
    });

    const response = await client.complete(request());

    expect(response.text).toBe('local answer');
    expect(response.keyName).toBeUndefined();
    expect(response.costUsd).toBe(0);
    expect(server.requests[0]!.apiKey).toBe('not-needed');
  });
});
