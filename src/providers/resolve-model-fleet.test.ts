import { afterEach, describe, expect, it } from 'vitest';
import { FleetKeyPool } from '../keys/fleet-key-pool.js';
import { KeyPool } from '../keys/key-pool.js';
import { fingerprintOf } from '../keys/shared-key-ledger.js';
import { MemoryKeyLedger } from '../keys/testing/memory-key-ledger.js';
import { ModelRegistry } from './resolve-model.js';
import type { FakeHttpServer } from './testing/fake-http-server.js';
import { fakeOpenAIServer } from './testing/fake-openai-server.js';
import { InstantClock } from './testing/instant-clock.js';

const KEY = 'sk-test-fleet-registry-key';

describe('ModelRegistry with a fleet key ledger', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('keeps its pools to itself without a ledger', () => {
    const registry = new ModelRegistry({ env: { OPENAI_API_KEY: KEY }, clock: new InstantClock(), perKeyConcurrency: 1 });
    expect(registry.forwardingAccess('openai')?.pool).toBeInstanceOf(KeyPool);
  });

  it("leases every provider's keys through the ledger, under the worker's holder prefix", async () => {
    const server: FakeHttpServer = await fakeOpenAIServer({ respond: () => ({ text: 'drafted' }) });
    cleanups.push(() => server.close());
    const clock = new InstantClock();
    const ledger = new MemoryKeyLedger(clock);
    const registry = new ModelRegistry({
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl },
      clock,
      perKeyConcurrency: 1,
      keyLedger: ledger,
      keyHolderPrefix: 'worker-7',
    });
    expect(registry.forwardingAccess('openai')?.pool).toBeInstanceOf(FleetKeyPool);

    const response = await registry.client('openai:gpt-4o').complete({
      role: 'drafter',
      trace: { itemId: '1', step: 'draft-1' },
      messages: [{ role: 'user', content: 'hi' }],
      signal: new AbortController().signal,
    });
    expect(response.text).toBe('drafted');
    // This clock lets the renewal timer run on while the request is out; renewals in between are fine.
    expect(ledger.calls.map((call) => call.method).filter((method) => method !== 'renew')).toEqual(['tryHold', 'release']);
    expect(ledger.calls[0]).toMatchObject({ fingerprint: fingerprintOf(KEY), holderId: expect.stringMatching(/^worker-7\//) });
  });
});
