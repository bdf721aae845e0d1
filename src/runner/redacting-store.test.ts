import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStoreFactory } from '../checkpoints/memory-store.js';
import { RedactingCheckpointStore, redactJson } from './redacting-store.js';

const KEY = 'sk-test-checkpoint-key-1';
const redact = (text: string): string => text.replaceAll(KEY, 'openai#1');

async function open() {
  const factory = new MemoryCheckpointStoreFactory();
  const store = new RedactingCheckpointStore(await factory.open('lld', '7'), redact);
  return { factory, store };
}

describe('RedactingCheckpointStore', () => {
  it('redacts the stage and every string of the committed state, object keys included', async () => {
    const { factory, store } = await open();
    const state = { draft: `uses ${KEY}`, rounds: [{ notes: [KEY, 'fine'], score: 3, done: true, missing: null }], [`by ${KEY}`]: 1 };

    await store.commit({ stage: `review ${KEY}`, state });

    const stored = await factory.peek('lld', '7');
    expect(stored).toMatchObject({
      stage: 'review openai#1',
      state: { draft: 'uses openai#1', rounds: [{ notes: ['openai#1', 'fine'], score: 3, done: true, missing: null }], 'by openai#1': 1 },
    });
    expect(JSON.stringify(stored)).not.toContain(KEY);
    // The caller's own object is left as it was.
    expect(state.draft).toBe(`uses ${KEY}`);
  });

  it('redacts the error of a status and passes a missing one on as missing', async () => {
    const { factory, store } = await open();
    await store.commit({ stage: 'draft', state: {} });

    await store.setStatus('failed', `HTTP 401: bad key ${KEY}`);
    expect(await factory.peek('lld', '7')).toMatchObject({ status: 'failed', error: 'HTTP 401: bad key openai#1' });
    await store.setStatus('interrupted');
    expect(await factory.peek('lld', '7')).toMatchObject({ status: 'interrupted', error: null });
  });

  it('passes load, remove and close through to the wrapped store', async () => {
    const { factory, store } = await open();
    await store.commit({ stage: 'draft', state: { n: 1 } });
    expect(await store.load()).toMatchObject({ step: 1, stage: 'draft', state: { n: 1 } });
    await store.remove();
    expect(await factory.peek('lld', '7')).toBeUndefined();
    await store.close();
    await expect(store.load()).rejects.toThrow();
  });
});

describe('redactJson', () => {
  it('sees values as JSON.stringify does (toJSON honoured) and leaves other values alone', () => {
    const when = new Date(Date.UTC(2026, 0, 1));
    const withToJson = { toJSON: () => ({ text: KEY }) };
    expect(redactJson({ when, withToJson, n: 1, flag: false, nothing: undefined }, redact)).toEqual({
      when: '2026-01-01T00:00:00.000Z',
      withToJson: { text: 'openai#1' },
      n: 1,
      flag: false,
      nothing: undefined,
    });
    expect(redactJson(KEY, redact)).toBe('openai#1');
    expect(redactJson(42, redact)).toBe(42);
  });
});
