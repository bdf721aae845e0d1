import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import type { KeyActivity } from '../keys/key-activity.js';
import { KeyPool } from '../keys/key-pool.js';
import { ObservedKeySource } from '../keys/observed-key-source.js';
import { createHttpStack } from './http-stack.js';
import { KeyLeasingProxy } from './key-leasing-proxy.js';
import type { FakeHttpServer } from './testing/fake-http-server.js';
import { fakeOpenAIServer } from './testing/fake-openai-server.js';

const KEY = 'sk-agent-activity-key-0001';
let upstream: FakeHttpServer | undefined;
let proxy: KeyLeasingProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = undefined;
  upstream = undefined;
});

describe("a coding agent's requests in the run's key activity", () => {
  it('name the item whose agent leased the key', async () => {
    upstream = await fakeOpenAIServer({ respond: () => ({ text: 'done' }) });
    const activity: KeyActivity[] = [];
    const pool = new ObservedKeySource(new KeyPool({ provider: 'openai', keys: [KEY], clock: systemClock }), systemClock, (entry) =>
      activity.push(entry),
    );
    proxy = new KeyLeasingProxy({
      protocol: 'openai',
      upstream: upstream.baseUrl,
      pool,
      fetch: createHttpStack({ env: {} }),
      clock: systemClock,
      signal: new AbortController().signal,
      itemId: '9',
    });
    const address = await proxy.start();
    const client = new OpenAI({ apiKey: address.credential, baseURL: address.baseUrl, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] });
    expect(activity.map((entry) => `${entry.key} ${entry.kind} ${entry.id ?? '-'}`)).toEqual([
      'openai#1 lease-start 9',
      'openai#1 lease-end 9',
    ]);
    expect(upstream.requests.map((request) => request.apiKey)).toEqual([KEY]);
  });
});
