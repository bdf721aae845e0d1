import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { KeyPool } from '../keys/key-pool.js';
import { SecretRedactor } from '../keys/redact.js';
import { InterruptedError } from '../core/errors.js';
import type { KeyEvent } from '../keys/call-with-key.js';
import { ModelCallError, TransientModelError } from '../model-call/errors.js';
import type { ModelRequest, ProviderTransport } from '../model-call/model-client.js';
import { DEFAULT_MAX_ANSWER_BYTES, PooledModelClient } from './pooled-model-client.js';
import type { ReplyWithCost } from './pricing.js';

const KEY = 'the-real-key-value-9876';

/** A transport whose behaviour each test scripts; it records the keys it was given. */
class ScriptedTransport implements ProviderTransport {
  readonly needsKey = true;
  readonly streams = false;
  readonly keysSeen: Array<string | undefined> = [];
  constructor(
    readonly provider: string,
    readonly model: string,
    private readonly behaviour: (apiKey: string | undefined, signal: AbortSignal) => Promise<ReplyWithCost>,
  ) {}
  call(_request: ModelRequest, apiKey: string | undefined, signal: AbortSignal): Promise<ReplyWithCost> {
    this.keysSeen.push(apiKey);
    return this.behaviour(apiKey, signal);
  }
}

function request(signal = new AbortController().signal): ModelRequest {
  return { role: 'drafter', trace: { itemId: '1', step: 'draft-1' }, messages: [{ role: 'user', content: 'hi' }], signal };
}

function client(
  transport: ProviderTransport,
  clock: FakeClock,
  extra: { callTimeoutMs?: number; stallTimeoutMs?: number; maxAnswerBytes?: number; pool?: KeyPool } = {},
) {
  return new PooledModelClient({
    transport,
    pool: new KeyPool({ provider: transport.provider, keys: [KEY], clock }),
    clock,
    redactor: new SecretRedactor([{ value: KEY, name: `${transport.provider}#1` }]),
    ...extra,
  });
}

describe('PooledModelClient', () => {
  it('measures the duration on the clock and prices the model that answered', async () => {
    const clock = new FakeClock();
    const transport = new ScriptedTransport('openai', 'gpt-4o', async (_key, signal) => {
      await clock.sleep(1500, signal);
      return { text: 'ok', usage: { inputTokens: 1_000_000, outputTokens: 0 }, model: 'gpt-4o-mini-2024-07-18' };
    });
    const pending = client(transport, clock).complete(request());
    await clock.advance(1500);
    const response = await pending;

    expect(response.durationMs).toBe(1500);
    expect(response.costUsd).toBeCloseTo(0.15, 10);
    expect(response.keyName).toBe('openai#1');
    expect(transport.keysSeen).toEqual([KEY]);
  });

  it('falls back to the requested model when the answering one has no price, and prefers a reported cost', async () => {
    const clock = new FakeClock();
    const renamed = new ScriptedTransport('openai', 'gpt-4o', () =>
      Promise.resolve({ text: 'ok', usage: { inputTokens: 1_000_000, outputTokens: 0 }, model: 'my-proxy-model' }),
    );
    const reported = new ScriptedTransport('claude-cli', 'sonnet', () =>
      Promise.resolve({ text: 'ok', usage: { inputTokens: 5, outputTokens: 5 }, model: 'claude-sonnet-4-5', costUsd: 0.42 }),
    );

    expect((await client(renamed, clock).complete(request())).costUsd).toBe(2.5);
    expect((await client(reported, clock).complete(request())).costUsd).toBe(0.42);
  });

  it('times out a call even when the transport ignores its signal', async () => {
    const clock = new FakeClock();
    const transport = new ScriptedTransport('anthropic', 'claude-sonnet-4-5', () => new Promise<never>(() => undefined));
    const pending = client(transport, clock, { callTimeoutMs: 90_000 })
      .complete(request())
      .catch((caught: unknown) => caught);

    await clock.advance(90_000);
    const error = await pending;

    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('timeout');
    expect((error as Error).message).toBe('anthropic:claude-sonnet-4-5 call timed out after 1.5 min');
  });

  it('rejects with the signal reason without calling the transport when already aborted', async () => {
    const clock = new FakeClock();
    const transport = new ScriptedTransport('openai', 'gpt-4o', () =>
      Promise.resolve({ text: 'never', usage: { inputTokens: 0, outputTokens: 0 }, model: 'gpt-4o' }),
    );
    const controller = new AbortController();
    const reason = new InterruptedError();
    controller.abort(reason);

    await expect(client(transport, clock).complete(request(controller.signal))).rejects.toBe(reason);
    expect(transport.keysSeen).toEqual([]);
  });

  it('replaces any key value in an error message with its masked name', async () => {
    const clock = new FakeClock();
    const transport = new ScriptedTransport('openai', 'gpt-4o', (apiKey) =>
      Promise.reject(new ModelCallError('bad-request', `rejected key ${apiKey ?? ''}`)),
    );

    const error = await client(transport, clock)
      .complete(request())
      .catch((caught: unknown) => caught);

    expect((error as Error).message).toBe('rejected key openai#1');
  });

  it('redacts by throwing a copy of the same class, leaving the transport error as it was', async () => {
    const clock = new FakeClock();
    const thrown = new ModelCallError('authentication', `bad key ${KEY}; also saw sk-proj-abc123****wxyz`);
    const transport = new ScriptedTransport('openai', 'gpt-4o', () => Promise.reject(thrown));

    const error = await client(transport, clock)
      .complete(request())
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('authentication');
    expect((error as Error).message).toBe('bad key openai#1; also saw openai#?');
    expect(thrown.message).toBe(`bad key ${KEY}; also saw sk-proj-abc123****wxyz`);
  });

  it('names the key, never its value, in transient-retry lines and events', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const transport = new ScriptedTransport('openai', 'gpt-4o', (apiKey) =>
      ++calls === 1
        ? Promise.reject(new TransientModelError(`502 upstream for ${apiKey ?? ''}`, 502))
        : Promise.resolve({ text: 'ok', usage: { inputTokens: 0, outputTokens: 0 }, model: 'gpt-4o' }),
    );
    const lines: string[] = [];
    const events: KeyEvent[] = [];

    const pending = client(transport, clock).complete(request(), {
      log: (line) => lines.push(line),
      onKeyEvent: (event) => events.push(event),
    });
    while (calls < 2) await clock.advanceToNext();
    await pending;

    expect(lines).toEqual([expect.stringContaining('openai#1 attempt 1 failed (502 upstream for openai#1)')]);
    expect(events).toEqual([expect.objectContaining({ type: 'transient-retry', message: '502 upstream for openai#1' })]);
  });

  it('replaces a configured key echoed in a successful answer before the answer leaves the client', async () => {
    const clock = new FakeClock();
    const transport = new ScriptedTransport('openai', 'gpt-4o', (apiKey) =>
      Promise.resolve({
        text: `Configure it with OPENAI_API_KEY=${apiKey ?? ''} ("${apiKey ?? ''}").\nFixture: sk-test-0123456789abcdef; x${apiKey ?? ''}y`,
        usage: { inputTokens: 1, outputTokens: 1 },
        model: `gpt-4o for ${apiKey ?? ''}`,
      }),
    );

    const response = await client(transport, clock).complete(request());

    // Whole occurrences only, and only configured keys: a made-up key-shaped fixture is content the model wrote.
    expect(response.text).toBe(`Configure it with OPENAI_API_KEY=openai#1 ("openai#1").\nFixture: sk-test-0123456789abcdef; x${KEY}y`);
    expect(response.model).toBe('gpt-4o for openai#1');
  });

  it('fails an answer above maxAnswerBytes as answer-too-large, naming its size and the limit, without retrying', async () => {
    const clock = new FakeClock();
    const pool = new KeyPool({ provider: 'openai', keys: [KEY], clock });
    let calls = 0;
    const transport = new ScriptedTransport('openai', 'gpt-4o', () => {
      calls += 1;
      return Promise.resolve({ text: 'x'.repeat(2500), usage: { inputTokens: 1, outputTokens: 1 }, model: 'gpt-4o' });
    });

    const error = await client(transport, clock, { maxAnswerBytes: 2000, pool })
      .complete(request())
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('answer-too-large');
    expect((error as Error).message).toBe(
      'openai:gpt-4o answered 2.5 kB (2500 bytes), above the limit of 2 kB (2000 bytes) for one answer',
    );
    expect(calls).toBe(1);
    expect(pool.snapshot().every((key) => key.inFlight === 0)).toBe(true);
  });

  it('measures the limit in UTF-8 bytes and accepts an answer of exactly the limit', async () => {
    const clock = new FakeClock();
    const answering = (text: string) =>
      new ScriptedTransport('openai', 'gpt-4o', () =>
        Promise.resolve({ text, usage: { inputTokens: 1, outputTokens: 1 }, model: 'gpt-4o' }),
      );

    expect((await client(answering('é'.repeat(50)), clock, { maxAnswerBytes: 100 }).complete(request())).text).toHaveLength(50);
    const error = await client(answering('é'.repeat(51)), clock, { maxAnswerBytes: 100 })
      .complete(request())
      .catch((caught: unknown) => caught);
    expect((error as ModelCallError).reason).toBe('answer-too-large');
    expect((error as Error).message).toBe('openai:gpt-4o answered 102 bytes, above the limit of 100 bytes for one answer');
  });

  it('accepts answers up to 1 MB by default', async () => {
    const clock = new FakeClock();
    const answering = (text: string) =>
      new ScriptedTransport('openai', 'gpt-4o', () =>
        Promise.resolve({ text, usage: { inputTokens: 1, outputTokens: 1 }, model: 'gpt-4o' }),
      );

    expect(DEFAULT_MAX_ANSWER_BYTES).toBe(1_000_000);
    expect((await client(answering('x'.repeat(1_000_000)), clock).complete(request())).text).toHaveLength(1_000_000);
    const error = await client(answering('x'.repeat(5_242_880)), clock)
      .complete(request())
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'openai:gpt-4o answered 5.2 MB (5242880 bytes), above the limit of 1 MB (1000000 bytes) for one answer',
    );
  });

  it('refuses a limit that is not a whole number above zero', () => {
    const transport = new ScriptedTransport('openai', 'gpt-4o', () => Promise.reject(new Error('unused')));
    for (const maxAnswerBytes of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => client(transport, new FakeClock(), { maxAnswerBytes }), String(maxAnswerBytes)).toThrow(RangeError);
    }
  });

  it('refuses a stall time-out that is not above zero', () => {
    const transport = new ScriptedTransport('openai', 'gpt-4o', () => Promise.reject(new Error('unused')));
    for (const stallTimeoutMs of [0, -1, Number.NaN]) {
      expect(() => client(transport, new FakeClock(), { stallTimeoutMs }), String(stallTimeoutMs)).toThrow(RangeError);
    }
  });
});
