import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { MemoryCheckpointStoreFactory } from './memory-store.js';
import { describeCheckpointStoreContract } from './store-contract.test-suite.js';

describeCheckpointStoreContract('MemoryCheckpointStoreFactory', () =>
  Promise.resolve({ factory: new MemoryCheckpointStoreFactory(), cleanup: () => Promise.resolve() }),
);

describe('MemoryCheckpointStoreFactory', () => {
  it('stamps updatedAt from the clock it was given', async () => {
    const clock = new FakeClock(Date.UTC(2026, 2, 3, 4, 5, 6));
    const factory = new MemoryCheckpointStoreFactory(clock);
    const store = await factory.open('lld', '1');
    await store.commit({ stage: 'draft', state: {} });
    expect((await store.load())?.updatedAt).toBe('2026-03-03T04:05:06.000Z');
    await clock.advance(60_000);
    await store.setStatus('failed', 'boom');
    expect((await store.load())?.updatedAt).toBe('2026-03-03T04:06:06.000Z');
  });

  it('stores state the way JSON would, so it behaves like the SQLite store', async () => {
    const store = await new MemoryCheckpointStoreFactory().open('lld', '1');
    await store.commit({ stage: 'draft', state: { kept: 1, dropped: undefined, when: new Date(Date.UTC(2026, 0, 1)) } });
    expect((await store.load())?.state).toEqual({ kept: 1, when: '2026-01-01T00:00:00.000Z' });
    await expect(store.commit({ stage: 'draft', state: { big: 1n } })).rejects.toThrow(TypeError);
    expect((await store.load())?.step).toBe(1);
  });

  it('rejects calls on a closed store', async () => {
    const store = await new MemoryCheckpointStoreFactory().open('lld', '1');
    await store.close();
    await expect(store.load()).rejects.toThrow(/closed/);
    await expect(store.commit({ stage: 'draft', state: {} })).rejects.toThrow(/closed/);
  });
});
