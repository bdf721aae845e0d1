import { describe, expect, it } from 'vitest';
import type { Checkpoint, CheckpointStatus } from '../checkpoints/store.js';
import type { ItemStatus, RefusedItem } from '../core/items.js';
import { actionFor, lastRunBlocked, planItems, planRefused, type ItemFacts, type Selection } from './plan.js';

function checkpoint(status: CheckpointStatus, stage = 'review'): Checkpoint {
  return { workflow: 'lld', itemId: '7', step: 4, stage, state: {}, status, error: null, updatedAt: '2026-01-01T00:00:00.000Z' };
}

function facts(id: string, overrides: Partial<Omit<ItemFacts, 'item'>> = {}): ItemFacts {
  return { item: { id, title: `Item ${id}` }, completedOutput: undefined, checkpoint: undefined, lastRunStatus: undefined, ...overrides };
}

const ALL: Selection = { explicitIds: undefined, all: true, retryFailed: false };

describe('actionFor', () => {
  it('starts a blocked item over by default, and resumes it where it stopped with --continue', () => {
    const blocked = facts('7', { checkpoint: checkpoint('blocked', 'done') });
    expect(actionFor(blocked)).toEqual({ kind: 'start' });
    expect(actionFor(blocked, { continueBlocked: true })).toEqual({ kind: 'resume', stage: 'done', continueBlocked: true });
  });

  it('--continue leaves items that are not blocked as they would be', () => {
    const choice = { continueBlocked: true };
    expect(actionFor(facts('1', { checkpoint: checkpoint('interrupted') }), choice)).toEqual({ kind: 'resume', stage: 'review' });
    expect(actionFor(facts('2'), choice)).toEqual({ kind: 'start' });
    expect(actionFor(facts('3', { completedOutput: 'docs/lld/active/LLD-003.md' }), choice)).toEqual({
      kind: 'skip',
      reason: 'done: docs/lld/active/LLD-003.md',
    });
  });

  it.each<CheckpointStatus>(['failed', 'interrupted', 'running', 'blocked'])(
    '--restart starts a %s item afresh instead of resuming it',
    (status) => {
      const item = facts('7', { checkpoint: checkpoint(status) });
      expect(actionFor(item, { restart: true })).toEqual({ kind: 'start' });
      if (status !== 'blocked') expect(actionFor(item)).toEqual({ kind: 'resume', stage: 'review' });
    },
  );

  it('--restart never redoes a finished item: a done one is skipped, a leftover finished checkpoint is completed', () => {
    expect(actionFor(facts('7', { completedOutput: 'out.md' }), { restart: true })).toMatchObject({ kind: 'skip' });
    expect(actionFor(facts('7', { completedOutput: 'out.md', checkpoint: checkpoint('running', 'done') }), { restart: true })).toEqual({
      kind: 'resume',
      stage: 'done',
    });
  });
});

describe('planItems with --retry-blocked', () => {
  const candidates = [
    facts('1', { checkpoint: checkpoint('blocked', 'done') }),
    facts('2', { checkpoint: checkpoint('failed') }),
    facts('3', { lastRunStatus: 'blocked' }),
    facts('4', { lastRunStatus: 'succeeded' }),
    // Blocked once, then run again and interrupted: its latest run did not end blocked.
    facts('5', { checkpoint: checkpoint('interrupted'), lastRunStatus: 'blocked' }),
    facts('6'),
  ];

  it('selects exactly the items whose last run ended blocked', () => {
    const planned = planItems(candidates, { ...ALL, all: false, retryBlocked: true });
    expect(planned.map((entry) => entry.id)).toEqual(['1', '3']);
    expect(planned.map((entry) => entry.action)).toEqual([{ kind: 'start' }, { kind: 'start' }]);
  });

  it('with --continue resumes them; with --retry-failed too, takes the failed ones as well', () => {
    const continued = planItems(candidates, { ...ALL, all: false, retryBlocked: true, continueBlocked: true });
    expect(continued[0]?.action).toEqual({ kind: 'resume', stage: 'done', continueBlocked: true });
    const either = planItems(candidates, { ...ALL, all: false, retryBlocked: true, retryFailed: true });
    expect(either.map((entry) => entry.id)).toEqual(['1', '2', '3', '5']);
  });

  it('lastRunBlocked trusts the checkpoint over an older run summary', () => {
    expect(lastRunBlocked(facts('x', { checkpoint: checkpoint('blocked'), lastRunStatus: 'failed' }))).toBe(true);
    expect(lastRunBlocked(facts('x', { checkpoint: checkpoint('running'), lastRunStatus: 'blocked' }))).toBe(false);
    expect(lastRunBlocked(facts('x', { lastRunStatus: 'blocked' }))).toBe(true);
    expect(lastRunBlocked(facts('x'))).toBe(false);
  });

  it('lists no refused source entries: they never ran, so they never ended blocked', () => {
    const refused: RefusedItem[] = [
      { id: 'big', title: 'Big', status: 'failed', reason: 'too large' },
      { id: 'a b.md', title: '', status: 'invalid', reason: 'bad name' },
    ];
    const last = new Map<string, ItemStatus>([['big', 'failed']]);
    expect(planRefused(refused, { ...ALL, all: false, retryBlocked: true }, last)).toEqual([]);
    expect(planRefused(refused, { ...ALL, all: false, retryBlocked: true, retryFailed: true }, last).map((entry) => entry.id)).toEqual([
      'big',
    ]);
    expect(planRefused(refused, ALL, last)).toHaveLength(2);
  });
});
