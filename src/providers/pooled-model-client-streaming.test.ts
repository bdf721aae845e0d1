import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { abortReason } from '../core/abort.js';
import type { KeyEvent } from '../keys/call-with-key.js';
import { KeyPool } from '../keys/key-pool.js';
import type { CallObserver, ModelRequest, ProviderTransport } from '../model-call/model-client.js';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_STALL_TIMEOUT_MS, PooledModelClient } from './pooled-model-client.js';
import type { ReplyWithCost } from './pricing.js';

const KEY = 'the-real-key-value-9876';
const OK: ReplyWithCost = { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, model: 'gpt-4o' };

/** A transport whose calls each test scripts; it reports bytes the way the HTTP stack does, to the call's observer. */
function transport(
  call: (signal: AbortSignal, observer: CallObserver | undefined) => Promise<ReplyWithCost>,
  streams = true,
): ProviderTransport {
  return {
    provider: 'openai',
    model: 'gpt-4o',
    needsKey: true,
    streams,
    call: (_request, _key, signal, observer) => call(signal, observer),
  };
}

function request(): ModelRequest {
  return {
    role: 'drafter',
    trace: { itemId: '1', step: 'draft-1' },
    messages: [{ role: 'user', content: 'hi' }],
    signal: new AbortController().signal,
  };
}

function client(scripted: ProviderTransport, clock: FakeClock, extra: { stallTimeoutMs?: number; pool?: KeyPool } = {}): PooledModelClient {
  return new PooledModelClient({ transport: scripted, pool: new KeyPool({ provider: 'openai', keys: [KEY], clock }), clock, ...extra });
}

describe('PooledModelClient with a streaming transport', () => {
  it('cuts an attempt that receives no byte for the stall time-out and retries it', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const silentOnce = transport((signal) =>
      ++calls === 1
        ? new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(abortReason(signal))))
        : Promise.resolve(OK),
    );
    const events: KeyEvent[] = [];

    const pending = client(silentOnce, clock).complete(request(), { onKeyEvent: (event) => events.push(event) });
    await clock.advance(DEFAULT_STALL_TIMEOUT_MS - 1);
    expect(calls).toBe(1);
    await clock.advance(1);
    while (calls < 2) await clock.advanceToNext();

    expect((await pending).text).toBe('ok');
    expect(events).toEqual([
      expect.objectContaining({ type: 'transient-retry', message: 'openai:gpt-4o: the answer stalled: no bytes for 3 min' }),
    ]);
  });

  it('keeps an attempt whose bytes keep coming, far past the stall time-out, bounded by the wall limit alone', async () => {
    const clock = new FakeClock();
    const steady = transport(async (signal, observer) => {
      observer?.onResponse({ status: 200, headers: {} });
      for (let chunk = 0; chunk < 20; chunk++) {
        await clock.sleep(60_000, signal);
        observer?.onBytes();
      }
      return OK;
    });

    const pending = client(steady, clock, { stallTimeoutMs: 90_000 }).complete(request());
    for (let minute = 0; minute < 20; minute++) await clock.advance(60_000);

    expect(await pending).toMatchObject({ text: 'ok', durationMs: 20 * 60_000 });
    expect(DEFAULT_CALL_TIMEOUT_MS).toBe(30 * 60_000);
  });

  it('never cuts a transport that does not stream for silence', async () => {
    const clock = new FakeClock();
    const quiet = transport(async (signal) => {
      await clock.sleep(20 * 60_000, signal);
      return OK;
    }, false);

    const pending = client(quiet, clock).complete(request());
    await clock.advance(20 * 60_000);

    expect((await pending).text).toBe('ok');
  });

  it('hands every response header the call receives to the leased key', async () => {
    const clock = new FakeClock();
    const pool = new KeyPool({ provider: 'openai', keys: [KEY], clock });
    const observed: Array<Record<string, string | undefined>> = [];
    const acquire = pool.acquire.bind(pool);
    pool.acquire = async (...args) => {
      const lease = await acquire(...args);
      lease.observeHeaders = (headers) => observed.push(headers);
      return lease;
    };
    const limited = transport((_signal, observer) => {
      observer?.onResponse({ status: 200, headers: { 'x-ratelimit-remaining-requests': '9' } });
      return Promise.resolve(OK);
    });

    await client(limited, clock, { pool }).complete(request());

    expect(observed).toEqual([{ 'x-ratelimit-remaining-requests': '9' }]);
  });
});
