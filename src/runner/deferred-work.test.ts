import { describe, expect, it } from 'vitest';
import { DeferredWork } from './deferred-work.js';

describe('DeferredWork', () => {
  it('runs scheduled work after its delay, not at once', async () => {
    const work = new DeferredWork(5);
    const done: string[] = [];
    work.schedule(() => Promise.resolve(void done.push('cleaned')));
    expect(done).toEqual([]);
    await expect.poll(() => done).toEqual(['cleaned']);
  });

  it('drain() runs what is still pending at once and waits for all of it, failures included', async () => {
    const work = new DeferredWork(60_000);
    const done: string[] = [];
    work.schedule(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      done.push('first');
    });
    work.schedule(() => Promise.reject(new Error('a checkpoint that could not be deleted')));
    work.schedule(() => Promise.resolve(void done.push('third')));
    await work.drain();
    expect(done.sort()).toEqual(['first', 'third']);
  });
});
