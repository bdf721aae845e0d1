import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { KeyPool } from '../keys/key-pool.js';
import { SecretRedactor } from '../keys/redact.js';
import { InterruptedError } from '../core/errors.js';
import type { KeyEvent } from '../keys/call-with-key.js';
import { ModelCallError, TransientModelError } from '../model-call/errors.js';
import type { ModelRequest, ProviderTransport } from '../model-call/model-client.js';
import { PooledModelClient } from './pooled-model-client.js';
import type { ReplyWithCost } from './pricing.js';

const KEY = 'the-real-key-value-9876';

/** A transport whose behaviour each test scripts; it records the keys it was given. */
class ScriptedTransport implements ProviderTransport {
  readonly needsKey = true;
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

function client(transport: ProviderTransport, clock: FakeClock, extra: { callTimeoutMs?: number } = {}) {
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
});
