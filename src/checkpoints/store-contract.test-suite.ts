import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointStoreFactory } from './store.js';

/**
 * The behaviour every CheckpointStoreFactory must have; each implementation's test file runs it, so
 * the in-memory fake used by runner tests cannot drift from the SQLite store used for real.
 */
export function describeCheckpointStoreContract(
  name: string,
  makeFactory: () => Promise<{ factory: CheckpointStoreFactory; cleanup(): Promise<void> }>,
): void {
  describe(`${name} (checkpoint store contract)`, () => {
    let factory: CheckpointStoreFactory;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const made = await makeFactory();
      factory = made.factory;
      cleanup = () => made.cleanup();
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('loads nothing for an item that never committed', async () => {
      const store = await factory.open('lld', '42');
      expect(await store.load()).toBeUndefined();
      expect(await factory.peek('lld', '42')).toBeUndefined();
      expect(await factory.list()).toEqual([]);
      await store.close();
    });

    it('returns what was committed, as a copy the caller cannot change', async () => {
      const store = await factory.open('lld', '42');
      const state = { draft: '# Title\n\nbody', rounds: [1, 2], nested: { approved: false, note: null } };
      await store.commit({ stage: 'review', state });
      state.nested.approved = true;
      state.rounds.push(3);

      const loaded = await store.load();
      expect(loaded).toEqual({
        workflow: 'lld',
        itemId: '42',
        step: 1,
        stage: 'review',
        state: { draft: '# Title\n\nbody', rounds: [1, 2], nested: { approved: false, note: null } },
        status: 'running',
        error: null,
        updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) as unknown,
      });

      (loaded?.state as { rounds: number[] }).rounds.push(99);
      expect((await store.load())?.state).toEqual({ draft: '# Title\n\nbody', rounds: [1, 2], nested: { approved: false, note: null } });
      await store.close();
    });

    it('numbers steps 1, 2, 3 and resumes at the last stage', async () => {
      const store = await factory.open('issue', 'add-login');
      await store.commit({ stage: 'draft', state: { round: 1 } });
      expect((await store.load())?.step).toBe(1);
      await store.commit({ stage: 'review', state: { round: 2 } });
      await store.commit({ stage: 'revise', state: { round: 3 } });
      const loaded = await store.load();
      expect(loaded?.step).toBe(3);
      expect(loaded?.stage).toBe('revise');
      expect(loaded?.state).toEqual({ round: 3 });
      await store.close();
    });

    it('setStatus records the ending and keeps the state; the next commit is running again', async () => {
      const store = await factory.open('lld', '7');
      await store.commit({ stage: 'draft', state: { text: 'v1' } });
      await store.commit({ stage: 'review', state: { text: 'v2' } });
      await store.setStatus('failed', 'reviewer returned garbage twice');

      const failed = await store.load();
      expect(failed).toMatchObject({
        step: 2,
        stage: 'review',
        state: { text: 'v2' },
        status: 'failed',
        error: 'reviewer returned garbage twice',
      });

      await store.setStatus('interrupted');
      expect(await store.load()).toMatchObject({ step: 2, state: { text: 'v2' }, status: 'interrupted', error: null });

      await store.commit({ stage: 'revise', state: { text: 'v3' } });
      expect(await store.load()).toMatchObject({ step: 3, stage: 'revise', status: 'running', error: null });
      await store.close();
    });

    it('setStatus before any commit is a no-op that creates nothing', async () => {
      const store = await factory.open('lld', '7');
      await store.setStatus('failed', 'could not even start');
      expect(await store.load()).toBeUndefined();
      expect(await factory.peek('lld', '7')).toBeUndefined();
      expect(await factory.list()).toEqual([]);
      await store.close();
    });

    it('remove deletes the item: load is empty and list no longer has it', async () => {
      const store = await factory.open('lld', '7');
      await store.commit({ stage: 'draft', state: { text: 'v1' } });
      expect(await factory.list()).toEqual([{ workflow: 'lld', itemId: '7' }]);

      await store.remove();
      expect(await store.load()).toBeUndefined();
      expect(await factory.peek('lld', '7')).toBeUndefined();
      expect(await factory.list()).toEqual([]);
      await store.close();

      const reopened = await factory.open('lld', '7');
      expect(await reopened.load()).toBeUndefined();
      await reopened.close();
    });

    it('setAside moves the item away: load and list are empty, listSetAside names it, the next commit starts over', async () => {
      const store = await factory.open('lld', '7');
      expect(await store.setAside()).toBeUndefined();
      expect(await factory.listSetAside()).toEqual([]);
      await store.commit({ stage: 'review', state: { text: 'v2' } });
      const movedTo = await store.setAside();
      expect(movedTo).toMatch(/lld-7\.sqlite\.corrupt-\d{4}-\d{2}-\d{2}T\d{2}[-:]\d{2}[-:]\d{2}/);
      expect(await store.load()).toBeUndefined();
      expect(await factory.peek('lld', '7')).toBeUndefined();
      expect(await factory.inspect('lld', '7')).toEqual({ kind: 'none' });
      expect(await factory.list()).toEqual([]);
      expect(await factory.listSetAside()).toEqual([{ workflow: 'lld', itemId: '7', path: movedTo }]);
      await store.commit({ stage: 'load', state: { text: 'fresh' } });
      expect(await store.load()).toMatchObject({ step: 1, stage: 'load', state: { text: 'fresh' } });
      await store.close();
    });

    it('inspect tells none from a readable checkpoint', async () => {
      expect(await factory.inspect('lld', '8')).toEqual({ kind: 'none' });
      const store = await factory.open('lld', '8');
      await store.commit({ stage: 'draft', state: { n: 1 } });
      expect(await factory.inspect('lld', '8')).toEqual({ kind: 'ok', checkpoint: await store.load() });
      await store.close();
    });

    it('peek equals load and creates nothing', async () => {
      expect(await factory.peek('implement', '12')).toBeUndefined();
      expect(await factory.list()).toEqual([]);

      const store = await factory.open('implement', '12');
      await store.commit({ stage: 'write-tests', state: { files: ['a.test.ts'] } });
      await store.setStatus('blocked', 'tests never pass');
      const peeked = await factory.peek('implement', '12');
      expect(peeked).toBeDefined();
      expect(peeked).toEqual(await store.load());
      expect(await factory.peek('lld', '12')).toBeUndefined();
      expect(await factory.list()).toEqual([{ workflow: 'implement', itemId: '12' }]);
      await store.close();
    });

    it('lists items sorted, optionally for one workflow', async () => {
      for (const [workflow, itemId] of [
        ['lld', '10'],
        ['lld', '9'],
        ['issue', 'add-login'],
        ['implement', '9'],
      ] as const) {
        const store = await factory.open(workflow, itemId);
        await store.commit({ stage: 'start', state: null });
        await store.close();
      }
      expect(await factory.list()).toEqual([
        { workflow: 'implement', itemId: '9' },
        { workflow: 'issue', itemId: 'add-login' },
        { workflow: 'lld', itemId: '9' },
        { workflow: 'lld', itemId: '10' },
      ]);
      expect(await factory.list('lld')).toEqual([
        { workflow: 'lld', itemId: '9' },
        { workflow: 'lld', itemId: '10' },
      ]);
      expect(await factory.list('issue')).toEqual([{ workflow: 'issue', itemId: 'add-login' }]);
    });

    it('keeps items apart, also the same id in two workflows', async () => {
      const first = await factory.open('lld', '1');
      const second = await factory.open('lld', '2');
      const sameIdOtherWorkflow = await factory.open('implement', '1');
      await first.commit({ stage: 'draft', state: { owner: 'first' } });
      await second.commit({ stage: 'draft', state: { owner: 'second' } });
      await second.commit({ stage: 'review', state: { owner: 'second' } });
      await sameIdOtherWorkflow.commit({ stage: 'code', state: { owner: 'implement' } });

      expect(await first.load()).toMatchObject({ step: 1, state: { owner: 'first' } });
      expect(await second.load()).toMatchObject({ step: 2, state: { owner: 'second' } });
      await first.setStatus('failed', 'only the first');
      await first.remove();
      expect(await first.load()).toBeUndefined();
      expect(await second.load()).toMatchObject({ step: 2, status: 'running', state: { owner: 'second' } });
      expect(await sameIdOtherWorkflow.load()).toMatchObject({ step: 1, state: { owner: 'implement' } });
      await Promise.all([first.close(), second.close(), sameIdOtherWorkflow.close()]);
    });

    it('a store opened after close sees the last commit', async () => {
      const store = await factory.open('lld', '5');
      await store.commit({ stage: 'draft', state: { text: 'v1' } });
      await store.commit({ stage: 'review', state: { text: 'v2' } });
      await store.setStatus('interrupted');
      await store.close();

      const reopened = await factory.open('lld', '5');
      expect(await reopened.load()).toMatchObject({ step: 2, stage: 'review', state: { text: 'v2' }, status: 'interrupted' });
      await reopened.commit({ stage: 'revise', state: { text: 'v3' } });
      expect(await reopened.load()).toMatchObject({ step: 3, status: 'running' });
      await reopened.close();
    });

    it('refuses ids that could escape the checkpoint folder', async () => {
      for (const bad of ['../x', '/etc', 'a/b', 'C:x', '']) {
        await expect(factory.open('lld', bad)).rejects.toThrow();
        await expect(factory.peek('lld', bad)).rejects.toThrow();
      }
    });
  });
}
