import { describe, expect, it } from 'vitest';
import type { ModelReply, ModelRequest, ProviderTransport } from '../model-call/model-client.js';
import { LazyTransport } from './lazy-transport.js';

const reply: ModelReply = { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, model: 'm' };
const request: ModelRequest = {
  role: 'drafter',
  trace: { itemId: '1', step: 'draft-1' },
  messages: [],
  signal: new AbortController().signal,
};

function loaded(): ProviderTransport {
  return { provider: 'openai', model: 'm', needsKey: true, streams: true, call: () => Promise.resolve(reply) };
}

describe('LazyTransport', () => {
  it('loads its transport on the first call, once, not when it is built', async () => {
    let loads = 0;
    const transport = new LazyTransport('openai', 'm', () => {
      loads += 1;
      return Promise.resolve(loaded());
    });
    expect(loads).toBe(0);
    const replies = await Promise.all([transport.call(request, 'k', request.signal), transport.call(request, 'k', request.signal)]);
    await transport.call(request, 'k', request.signal);
    expect(replies).toEqual([reply, reply]);
    expect(loads).toBe(1);
  });

  it('tries to load again after a failed load', async () => {
    let loads = 0;
    const transport = new LazyTransport('openai', 'm', () => {
      loads += 1;
      return loads === 1 ? Promise.reject(new Error('cannot load')) : Promise.resolve(loaded());
    });
    await expect(transport.call(request, 'k', request.signal)).rejects.toThrow('cannot load');
    await expect(transport.call(request, 'k', request.signal)).resolves.toEqual(reply);
    expect(loads).toBe(2);
  });
});
