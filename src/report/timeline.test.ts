import { describe, expect, it } from 'vitest';
import type { ItemSummary, RunSummary } from '../core/items.js';
import type { RunEvent } from '../runner/events.js';
import { buildTimeline } from './timeline.js';

const T = 1_000_000;

function item(id: string, status: ItemSummary['status'] = 'succeeded', error: string | null = null): ItemSummary {
  return { id, title: `Feature ${id}`, status, stage: 'done', durationMs: 0, llmCalls: 0, costUsd: 0, output: null, error };
}

function summary(items: ItemSummary[]): RunSummary {
  return {
    runId: '2026-01-01T00-00-00Z',
    workflow: 'lld',
    startedAt: new Date(T).toISOString(),
    durationMs: 10_000,
    parallel: 2,
    counts: { succeeded: 0, failed: 0, blocked: 0, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
    items,
    retryCommand: null,
  };
}

const call = { provider: 'openai', model: 'gpt-4.1', keyName: 'openai#1', inputTokens: 100, outputTokens: 50, costUsd: 0.001 };

describe('buildTimeline', () => {
  it('turns stage events into spans that end at the next stage or the item end, and model calls into spans ending when recorded', () => {
    const events: RunEvent[] = [
      { type: 'run-start', at: T, runId: 'r', workflow: 'lld', parallel: 2, items: [] },
      { type: 'item-start', at: T + 10, id: '1', title: 'Feature 1', action: { kind: 'start' } },
      { type: 'item-stage', at: T + 10, id: '1', stage: 'draft' },
      { type: 'model-call', at: T + 1_010, id: '1', call: { ...call, role: 'drafter', durationMs: 900 } },
      { type: 'item-stage', at: T + 1_020, id: '1', stage: 'review-1' },
      { type: 'model-call', at: T + 2_000, id: '1', call: { ...call, role: 'reviewer', durationMs: 950 } },
      { type: 'item-end', at: T + 2_010, id: '1', result: item('1') },
      { type: 'run-end', at: T + 2_020, summary: summary([item('1')]) },
    ];
    const timeline = buildTimeline(summary([item('1')]), events);
    expect(timeline).toMatchObject({ start: T, end: T + 2_020 });
    const [lane] = timeline.items;
    expect(lane?.stages.map((span) => [span.label, span.start - T, span.end - T])).toEqual([
      ['draft', 10, 1_020],
      ['review-1', 1_020, 2_010],
    ]);
    expect(lane?.calls.map((span) => [span.label, span.start - T, span.end - T, span.row])).toEqual([
      ['drafter', 110, 1_010, 0],
      ['reviewer', 1_050, 2_000, 0],
    ]);
    expect(lane?.calls[0]?.detail).toBe('1 · drafter openai:gpt-4.1 on openai#1 · 900ms · 100 in + 50 out tokens · $0.0010');
    expect(lane?.markers).toEqual([{ at: T + 2_010, kind: 'end', detail: '1 succeeded at stage done' }]);
    expect(lane?.note).toBeUndefined();
  });

  it('pairs lease starts and ends per key, stacks leases that overlap, and draws rests and 429s', () => {
    const key = (at: number, kind: 'lease-start' | 'lease-end' | 'rate-limited' | 'cooldown' | 'set-aside', extra = {}): RunEvent => ({
      type: 'key-event',
      at: T + at,
      key: 'openai#2',
      kind,
      ...extra,
    });
    const events: RunEvent[] = [
      { type: 'run-start', at: T, runId: 'r', workflow: 'lld', parallel: 2, items: [] },
      key(0, 'lease-start', { lease: 1, id: 'a' }),
      key(100, 'lease-start', { lease: 2, id: 'b' }),
      key(500, 'lease-end', { lease: 1, id: 'a' }),
      key(600, 'rate-limited', { lease: 2, id: 'b', untilMs: T + 2_600 }),
      key(600, 'cooldown', { lease: 2, id: 'b', untilMs: T + 2_600, reason: 'HTTP 429: retry-after 2 s' }),
      key(600, 'lease-end', { lease: 2, id: 'b' }),
      key(3_000, 'lease-start', { lease: 3, id: 'a' }),
      { type: 'key-event', at: T + 3_100, key: 'openai#10', kind: 'set-aside', reason: 'openai#10 rejected (401 invalid_api_key)' },
    ];
    const timeline = buildTimeline(summary([item('a'), item('b')]), events);
    expect(timeline.keys.map((lane) => lane.key)).toEqual(['openai#2', 'openai#10']);
    const [lane] = timeline.keys;
    expect(lane?.leases.map((span) => [span.label, span.start - T, span.end - T, span.row])).toEqual([
      ['a', 0, 500, 0],
      ['b', 100, 600, 1],
      // Still open when the events end: it lasts to the end.
      ['a', 3_000, 3_100, 0],
    ]);
    expect(lane?.rows).toBe(2);
    expect(lane?.rateLimits).toBe(1);
    expect(lane?.cooldowns.map((span) => [span.start - T, span.end - T, span.detail])).toEqual([
      [600, 2_600, 'openai#2 rests 2.0s · HTTP 429: retry-after 2 s'],
    ]);
    expect(lane?.markers.map((marker) => marker.kind)).toEqual(['rate-limited']);
    expect(timeline.keys[1]?.markers).toEqual([
      { at: T + 3_100, kind: 'set-aside', detail: 'openai#10 rejected (401 invalid_api_key): not used again this run' },
    ]);
    // The item whose call met the 429 shows it as well.
    expect(timeline.items.find((candidate) => candidate.id === 'b')?.markers.map((marker) => marker.kind)).toEqual(['rate-limited']);
  });

  it('gives every item of the summary a lane, saying why one that never started is empty', () => {
    const items = [item('1'), item('2', 'skipped'), item('bad name', 'invalid', 'not an item id')];
    items[1]!.output = 'docs/lld/active/LLD-002.md';
    const events: RunEvent[] = [
      { type: 'run-start', at: T, runId: 'r', workflow: 'lld', parallel: 1, items: [] },
      { type: 'item-start', at: T + 1, id: '1', title: 'Feature 1', action: { kind: 'start' } },
      { type: 'item-stage', at: T + 1, id: '1', stage: 'draft' },
      { type: 'item-output', at: T + 2, id: '1', text: 'hello\n', debug: false },
    ];
    const timeline = buildTimeline(summary(items), events);
    expect(timeline.items.map((lane) => [lane.id, lane.note])).toEqual([
      ['1', undefined],
      ['2', 'skipped, not run: docs/lld/active/LLD-002.md'],
      ['bad name', 'invalid, not run: not an item id'],
    ]);
    // An interrupted run: the open stage lasts to the last event.
    expect(timeline.items[0]?.stages.map((span) => [span.start - T, span.end - T])).toEqual([[1, 2]]);
  });
});
