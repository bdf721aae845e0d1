import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { KeyPool } from '../keys/key-pool.js';
import { ConfigurationError, InterruptedError } from '../core/errors.js';
import { ModelCallError, RateLimitedError } from '../model-call/errors.js';
import type { ModelRequest } from '../model-call/model-client.js';
import { PooledModelClient } from './pooled-model-client.js';
import { loadReplaySettings, ReplayTransport } from './replay-transport.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lldflow-replay-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function record(itemId: string, file: string, text: string): Promise<void> {
  await mkdir(join(dir, itemId), { recursive: true });
  await writeFile(join(dir, itemId, file), text);
}

function request(itemId: string, step: string, signal = new AbortController().signal): ModelRequest {
  return { role: 'reviewer', trace: { itemId, step }, system: 'abcd', messages: [{ role: 'user', content: 'efgh' }], signal };
}

describe('ReplayTransport', () => {
  it('answers with the exact recorded text, whatever the extension, and estimates usage', async () => {
    await record('42', 'draft-1.md', '# LLD-042\n');
    await record('42', 'review-1.json', '{"verdict":"APPROVED"}');
    await record('43', 'draft-1.txt', 'plain');
    const transport = new ReplayTransport({ dir, model: 'demo', clock: new FakeClock() });
    const signal = new AbortController().signal;

    const draft = await transport.call(request('42', 'draft-1'), undefined, signal);
    const review = await transport.call(request('42', 'review-1'), undefined, signal);
    const plain = await transport.call(request('43', 'draft-1'), undefined, signal);

    expect(draft).toEqual({ text: '# LLD-042\n', usage: { inputTokens: 3, outputTokens: 3 }, model: 'demo' });
    expect(review.text).toBe('{"verdict":"APPROVED"}');
    expect(plain.text).toBe('plain');
  });

  it('fails as no-recording naming the item, the step and the folder', async () => {
    const transport = new ReplayTransport({ dir, clock: new FakeClock() });
    const signal = new AbortController().signal;

    const error = await transport.call(request('42', 'review-3'), undefined, signal).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('no-recording');
    expect((error as Error).message).toContain('item 42 step review-3');
    expect((error as Error).message).toContain(dir);
  });

  it('refuses trace parts that would leave the folder', async () => {
    await writeFile(join(dir, 'secret.md'), 'outside');
    const transport = new ReplayTransport({ dir, clock: new FakeClock() });
    const signal = new AbortController().signal;

    const error = await transport.call(request('..', 'secret'), undefined, signal).catch((caught: unknown) => caught);

    expect((error as ModelCallError).reason).toBe('no-recording');
  });

  it('waits latency plus jitter on the clock, abortably', async () => {
    await record('42', 'draft-1.md', 'late');
    await writeFile(join(dir, 'replay.json'), JSON.stringify({ latencyMs: 1000, jitterMs: 500 }));
    const clock = new FakeClock();
    const transport = new ReplayTransport({ dir, clock, random: () => 0.5 });
    const signal = new AbortController().signal;

    let settled = false;
    const pending = transport.call(request('42', 'draft-1'), undefined, signal).then((reply) => {
      settled = true;
      return reply;
    });
    await clock.advance(1249);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect((await pending).text).toBe('late');

    const controller = new AbortController();
    const aborted = transport.call(request('42', 'draft-1'), undefined, controller.signal).catch((caught: unknown) => caught);
    const reason = new InterruptedError();
    controller.abort(reason);
    expect(await aborted).toBe(reason);
  });

  it('answers a listed call with 429 the first time only', async () => {
    await record('42', 'draft-1.md', 'after the limit');
    await writeFile(join(dir, 'replay.json'), JSON.stringify({ rateLimits: [{ itemId: '42', step: 'draft-1', retryAfterMs: 2500 }] }));
    const transport = new ReplayTransport({ dir, clock: new FakeClock() });
    const signal = new AbortController().signal;

    const first = await transport.call(request('42', 'draft-1'), undefined, signal).catch((caught: unknown) => caught);
    const second = await transport.call(request('42', 'draft-1'), undefined, signal);

    expect(first).toBeInstanceOf(RateLimitedError);
    expect((first as RateLimitedError).retryAfterMs).toBe(2500);
    expect(second.text).toBe('after the limit');
  });

  it('moves a rate-limited replayed call to the next synthetic key through the pool', async () => {
    await record('42', 'draft-1.md', 'ok');
    await writeFile(
      join(dir, 'replay.json'),
      JSON.stringify({ keys: 3, rateLimits: [{ itemId: '42', step: 'draft-1', retryAfterMs: 2500 }] }),
    );
    const clock = new FakeClock();
    const transport = new ReplayTransport({ dir, clock });
    const keys = Array.from({ length: transport.settings.keys }, (_, index) => `replay-key-${index + 1}`);
    const client = new PooledModelClient({ transport, pool: new KeyPool({ provider: 'replay', keys, clock }), clock });

    const response = await client.complete(request('42', 'draft-1'));

    expect(response.text).toBe('ok');
    expect(response.keyName).toBe('replay#2');
    expect(response.costUsd).toBe(0);
  });
});

describe('loadReplaySettings', () => {
  it('defaults without replay.json', () => {
    expect(loadReplaySettings(dir)).toEqual({ latencyMs: 0, jitterMs: 0, keys: 2, rateLimits: [] });
  });

  it('rejects bad settings with a ConfigurationError naming the field', async () => {
    await writeFile(join(dir, 'replay.json'), JSON.stringify({ keys: 0 }));
    expect(() => loadReplaySettings(dir)).toThrow(ConfigurationError);
    expect(() => loadReplaySettings(dir)).toThrow(/"keys"/);
    await writeFile(join(dir, 'replay.json'), '{not json');
    expect(() => loadReplaySettings(dir)).toThrow(/not valid JSON/);
    await writeFile(join(dir, 'replay.json'), JSON.stringify({ rateLimits: [{ itemId: 1 }] }));
    expect(() => loadReplaySettings(dir)).toThrow(/rateLimits\[0\]/);
  });
});
