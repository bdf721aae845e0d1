import { createAnthropic } from '@ai-sdk/anthropic';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import type { KeyEvent } from '../keys/call-with-key.js';
import { KeyPool } from '../keys/key-pool.js';
import { SecretRedactor } from '../keys/redact.js';
import { createHttpStack } from './http-stack.js';
import { requestDemand } from './key-leasing-proxy-protocol.js';
import { KeyLeasingProxy, type KeyLeasingProxyAddress, type ProxyProtocol } from './key-leasing-proxy.js';
import { fakeAnthropicServer } from './testing/fake-anthropic-server.js';
import type { FakeHttpServer, FakeResponder } from './testing/fake-http-server.js';
import { fakeOpenAIServer } from './testing/fake-openai-server.js';

const FIRST_KEY = 'first-secret-value-1111';
const SECOND_KEY = 'second-secret-value-2222';
const THIRD_KEY = 'third-secret-value-3333';

interface Running {
  upstream: FakeHttpServer;
  pool: KeyPool;
  proxy: KeyLeasingProxy;
  address: KeyLeasingProxyAddress;
  events: KeyEvent[];
  stop: AbortController;
}

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  // Proxies first: closing one ends its requests to the upstream, which can then close at once.
  for (const close of closers.reverse()) await close();
  closers = [];
});

async function running(
  protocol: ProxyProtocol,
  respond: FakeResponder,
  options: { keys?: string[]; perKeyConcurrency?: number; redactor?: SecretRedactor } = {},
): Promise<Running> {
  const upstream = await (protocol === 'anthropic' ? fakeAnthropicServer : fakeOpenAIServer)({ respond });
  closers.push(() => upstream.close());
  const pool = new KeyPool({
    provider: protocol,
    keys: options.keys ?? [FIRST_KEY, SECOND_KEY],
    perKeyConcurrency: options.perKeyConcurrency ?? 1,
    clock: systemClock,
    backoff: { baseMs: 1, maxMs: 5 },
    // A lease that is never returned fails the next request within seconds instead of ten minutes.
    maxWaitMs: 3000,
  });
  const events: KeyEvent[] = [];
  const stop = new AbortController();
  const proxy = new KeyLeasingProxy({
    protocol,
    // Both fakes serve under /v1; Anthropic's API root is the host, OpenAI's includes /v1.
    upstream: protocol === 'anthropic' ? upstream.baseUrl.replace(/\/v1$/, '') : upstream.baseUrl,
    pool,
    fetch: createHttpStack({ env: {} }),
    clock: systemClock,
    signal: stop.signal,
    redactor: options.redactor,
    onEvent: (event) => events.push(event),
  });
  const address = await proxy.start();
  closers.push(() => proxy.close());
  return { upstream, pool, proxy, address, events, stop };
}

function anthropicModel(address: KeyLeasingProxyAddress) {
  return createAnthropic({ apiKey: address.credential, baseURL: `${address.baseUrl}/v1` }).messages('claude-sonnet-4-5');
}

function openaiClient(address: KeyLeasingProxyAddress): OpenAI {
  return new OpenAI({ apiKey: address.credential, baseURL: address.baseUrl, maxRetries: 0 });
}

function ask(client: OpenAI, content = 'hello'): Promise<OpenAI.Chat.Completions.ChatCompletion> {
  return client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }] });
}

/** The OpenAI SDK's error for a request the test expects to fail. */
async function apiError(pending: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const failure = await pending.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(failure instanceof OpenAI.APIError)) throw new Error(`expected an OpenAI APIError, got ${String(failure)}`);
  return failure;
}

describe('KeyLeasingProxy', () => {
  it('streams an answer through with its text intact, upstream on the leased key and never the credential', async () => {
    const { upstream, address } = await running('anthropic', () => ({ text: 'The quick brown fox jumps.', stream: { chunks: 5 } }));

    const result = streamText({ model: anthropicModel(address), prompt: 'say it', maxRetries: 0 });

    expect(await result.text).toBe('The quick brown fox jumps.');
    expect(upstream.requests.map((request) => request.apiKey)).toEqual([FIRST_KEY]);
    expect(JSON.stringify(upstream.requests)).not.toContain(address.credential);
  });

  it('hands the first events over before the upstream has finished the answer', async () => {
    const { address } = await running('anthropic', () => ({ text: 'first second third', stream: { chunks: 3, stallAfterChunks: 1 } }));
    const hangUp = new AbortController();

    const result = streamText({ model: anthropicModel(address), prompt: 'go', maxRetries: 0, abortSignal: hangUp.signal });
    let first = '';
    for await (const part of result.fullStream) {
      if (part.type !== 'text-delta') continue;
      first = part.text;
      hangUp.abort();
    }

    expect(first).toBe('first ');
  });

  it('returns the lease when the agent hangs up mid-stream, so the next request gets the key at once', async () => {
    let calls = 0;
    const { upstream, pool, address } = await running(
      'anthropic',
      () => ({ text: 'one two three', stream: ++calls === 1 ? { chunks: 3, stallAfterChunks: 1 } : {} }),
      { keys: [FIRST_KEY] },
    );
    const hangUp = new AbortController();
    const stalled = streamText({ model: anthropicModel(address), prompt: 'go', maxRetries: 0, abortSignal: hangUp.signal });
    for await (const part of stalled.fullStream) if (part.type === 'text-delta') hangUp.abort();

    expect(await upstream.waitForOutcome(0)).toBe('client-closed');
    const next = await generateText({ model: anthropicModel(address), prompt: 'again', maxRetries: 0 });

    expect(next.text).toBe('one two three');
    expect(pool.snapshot()[0]?.inFlight).toBe(0);
  });

  it('ends requests in flight and returns their leases when its signal aborts', async () => {
    const { upstream, pool, address, stop } = await running('anthropic', () => ({ text: 'a b c', stream: { stallAfterChunks: 1 } }));

    const result = streamText({ model: anthropicModel(address), prompt: 'go', maxRetries: 0, onError: () => undefined });
    let ending: unknown;
    try {
      for await (const part of result.fullStream) {
        if (part.type === 'error') ending = part.error;
        if (part.type === 'text-delta') stop.abort();
      }
    } catch (error) {
      ending = error;
    }

    expect(ending).toBeInstanceOf(Error);
    expect(await upstream.waitForOutcome(0)).toBe('client-closed');
    expect(pool.snapshot().map((key) => key.inFlight)).toEqual([0, 0]);
  });

  it('never puts more than one request on a key at once: ten concurrent requests on three keys', async () => {
    const inFlight = new Map<string, number>();
    let mostAtOnce = 0;
    const { upstream, address } = await running(
      'openai',
      async ({ apiKey }) => {
        const now = (inFlight.get(apiKey ?? '') ?? 0) + 1;
        inFlight.set(apiKey ?? '', now);
        mostAtOnce = Math.max(mostAtOnce, now);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight.set(apiKey ?? '', now - 1);
        return { text: 'fine' };
      },
      { keys: [FIRST_KEY, SECOND_KEY, THIRD_KEY] },
    );
    const client = openaiClient(address);

    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => ask(client, `request ${index}`)));

    expect(answers.map((answer) => answer.choices[0]?.message.content)).toEqual(Array(10).fill('fine'));
    expect(mostAtOnce).toBe(1);
    expect([...upstream.countsByKey().keys()].sort()).toEqual([FIRST_KEY, SECOND_KEY, THIRD_KEY].sort());
  });

  it('moves a 429 to the next key without the agent seeing it, and rests the key', async () => {
    const { upstream, address, events } = await running('openai', ({ apiKey }) =>
      apiKey === FIRST_KEY ? { status: 429, retryAfterMs: 60_000 } : { text: 'served' },
    );
    const client = openaiClient(address);

    expect((await ask(client)).choices[0]?.message.content).toBe('served');
    expect((await ask(client)).choices[0]?.message.content).toBe('served');

    expect(upstream.requests.map((request) => request.apiKey)).toEqual([FIRST_KEY, SECOND_KEY, SECOND_KEY]);
    expect(events).toEqual([{ type: 'rate-limited', provider: 'openai', keyName: 'openai#1', cooldownMs: 60_000, announced: true }]);
  });

  it('sets a rejected key aside once and serves the request on the other key', async () => {
    const rejected = {
      status: 401,
      body: { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } },
    };
    const { upstream, address, events } = await running('openai', ({ apiKey }) => (apiKey === FIRST_KEY ? rejected : { text: 'served' }));
    const client = openaiClient(address);

    expect((await ask(client)).choices[0]?.message.content).toBe('served');
    expect((await ask(client)).choices[0]?.message.content).toBe('served');

    expect(upstream.requests.map((request) => request.apiKey)).toEqual([FIRST_KEY, SECOND_KEY, SECOND_KEY]);
    expect(events).toEqual([
      { type: 'key-set-aside', provider: 'openai', keyName: 'openai#1', kind: 'rejected', why: '401 invalid_api_key' },
    ]);
  });

  it('answers 503 naming the pool, not retried by the SDK, once every key is set aside', async () => {
    const { upstream, address } = await running('openai', () => ({ status: 401, message: 'Invalid API key.' }));

    const failure = await apiError(ask(openaiClient(address)));

    expect(failure.status).toBe(503);
    expect(failure.message).toMatch(/every openai key is set aside: openai#1 rejected .*openai#2 rejected/);
    expect(failure.headers?.get('x-should-retry')).toBe('false');
    expect(upstream.requests).toHaveLength(2);
  });

  it('refuses a request without its credential with 401 and forwards nothing', async () => {
    const { upstream, address } = await running('anthropic', () => ({ text: 'never' }));

    const bare = await fetch(`${address.baseUrl}/v1/messages`, { method: 'POST', body: '{}' });
    const wrong = await fetch(`${address.baseUrl}/v1/messages`, { method: 'POST', headers: { 'x-api-key': FIRST_KEY }, body: '{}' });
    const sdk = await generateText({
      model: createAnthropic({ apiKey: 'not-the-credential', baseURL: `${address.baseUrl}/v1` }).messages('claude-sonnet-4-5'),
      prompt: 'hi',
      maxRetries: 0,
    }).catch((error: unknown) => error);

    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: expect.stringContaining('x-api-key') },
    });
    expect(wrong.status).toBe(401);
    expect(sdk).toMatchObject({ statusCode: 401 });
    expect(upstream.requests).toHaveLength(0);
  });

  it('lets no key value reach the agent, also when the upstream echoes keys in a passed-through 400', async () => {
    const redactor = new SecretRedactor([
      { value: FIRST_KEY, name: 'openai#1' },
      { value: SECOND_KEY, name: 'openai#2' },
    ]);
    const echo = `max_tokens is too large for ${FIRST_KEY} (and ${SECOND_KEY})`;
    const { address } = await running(
      'openai',
      ({ apiKey }) => ({ status: 400, message: echo, headers: { 'x-echo': `key=${apiKey ?? ''}` } }),
      { keys: [FIRST_KEY], redactor },
    );

    const answer = await fetch(`${address.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${address.credential}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const seen = JSON.stringify([...answer.headers]) + (await answer.text());

    expect(answer.status).toBe(400);
    expect(seen).toContain('max_tokens is too large for openai#1 (and openai#2)');
    expect(seen).toContain('key=openai#1');
    expect(seen).not.toContain(FIRST_KEY);
    expect(seen).not.toContain(SECOND_KEY);
  });

  it('masks the leased key in a passed-through error even without a redactor', async () => {
    const { address } = await running('openai', () => ({ status: 400, message: `bad request for ${FIRST_KEY}` }), { keys: [FIRST_KEY] });

    const failure = await apiError(ask(openaiClient(address)));

    expect(failure.status).toBe(400);
    expect(failure.message).toContain('bad request for openai#1');
    expect(JSON.stringify(failure)).not.toContain(FIRST_KEY);
  });
});

describe('requestDemand', () => {
  it('reads the model and the requested output, and counts the input by its characters', () => {
    const body = { model: 'claude-sonnet-4-5', system: 'x'.repeat(400), messages: 'y'.repeat(400), max_tokens: 1000 };

    expect(requestDemand(Buffer.from(JSON.stringify(body)))).toEqual({ tokens: 1200, outputTokens: 1000, model: 'claude-sonnet-4-5' });
    expect(requestDemand(Buffer.from(JSON.stringify({ max_output_tokens: 50, input: 'abcd' })))).toEqual({ tokens: 51, outputTokens: 50 });
    expect(requestDemand(Buffer.from('not json'))).toEqual({ tokens: 0 });
  });
});
