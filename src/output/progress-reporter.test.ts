import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import type { PlannedItem } from '../runner/events.js';
import type { ItemSummary, RunSummary } from '../core/items.js';
import { ProgressReporter, REDRAW_INTERVAL_MS } from './progress-reporter.js';
import { TerminalWriter } from './terminal-writer.js';
import { CaptureStream, hasEscapeCodes } from './testing/capture-stream.js';
import { FakeTicker } from './testing/fake-ticker.js';
import { VirtualTerminal } from './testing/virtual-terminal.js';

const PLAN: PlannedItem[] = [
  { id: '1', title: 'one', action: { kind: 'start' } },
  { id: '22', title: 'two', action: { kind: 'resume', stage: 'review' } },
  { id: '3', title: 'three', action: { kind: 'start' } },
  { id: '4', title: 'four', action: { kind: 'start' } },
  { id: 'done-before', title: 'old', action: { kind: 'skip', reason: 'already approved' } },
];

function result(id: string, status: ItemSummary['status'], durationMs: number): ItemSummary {
  return { id, title: id, status, stage: 'done', durationMs, llmCalls: 0, costUsd: 0, output: null, error: null };
}

const SUMMARY: RunSummary = {
  runId: 'r',
  workflow: 'lld',
  startedAt: '',
  durationMs: 0,
  parallel: 2,
  counts: { succeeded: 0, failed: 0, blocked: 0, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
  items: [],
  retryCommand: null,
};

function setup(isTTY: boolean, plainIntervalMs?: number) {
  const clock = new FakeClock();
  const stream = new CaptureStream({ isTTY });
  const writer = new TerminalWriter(stream);
  const ticker = new FakeTicker();
  const reporter = new ProgressReporter({ writer, now: () => clock.now(), ticker, plainIntervalMs });
  const screen = (): string[] => {
    const terminal = new VirtualTerminal();
    terminal.feed(stream.text);
    return terminal.screen;
  };
  return { clock, stream, writer, ticker, reporter, screen };
}

describe('ProgressReporter on a TTY', () => {
  it('draws counts, running items with stage and elapsed time, and an ETA once items finish', async () => {
    const { clock, ticker, reporter, screen } = setup(true);
    reporter.onEvent({ type: 'run-start', at: clock.now(), runId: 'r', workflow: 'lld', parallel: 2, items: PLAN });
    expect(ticker.active.map((registration) => registration.ms)).toEqual([REDRAW_INTERVAL_MS]);
    ticker.tick();
    expect(screen()).toEqual(['done 1 · failed 0 · running 0 · queued 4 · ETA —']);

    reporter.onEvent({ type: 'item-start', at: clock.now(), id: '1', title: 'one', action: { kind: 'start' } });
    reporter.onEvent({ type: 'item-start', at: clock.now(), id: '22', title: 'two', action: { kind: 'resume', stage: 'review' } });
    await clock.advance(1500);
    reporter.onEvent({ type: 'item-stage', at: clock.now(), id: '1', stage: 'draft' });
    await clock.advance(1000);
    ticker.tick();
    expect(screen()).toEqual(['[1]  draft · 2.5s · one', '[22] review · 2.5s · two', 'done 1 · failed 0 · running 2 · queued 2 · ETA —']);

    reporter.onEvent({ type: 'item-end', at: clock.now(), id: '1', result: result('1', 'succeeded', 10_000) });
    reporter.onEvent({ type: 'item-end', at: clock.now(), id: '22', result: result('22', 'failed', 30_000) });
    reporter.onEvent({ type: 'item-start', at: clock.now(), id: '3', title: 'three', action: { kind: 'start' } });
    ticker.tick();
    // Remaining 2 (3 running, 4 queued) × mean 20 s / 2 workers = 20 s.
    expect(screen()).toEqual(['[3] starting · 0ms · three', 'done 2 · failed 1 · running 1 · queued 1 · ETA ~20.0s']);
  });

  it('redraws at most once per tick however many events arrive', () => {
    const { clock, stream, ticker, reporter } = setup(true);
    reporter.onEvent({ type: 'run-start', at: clock.now(), runId: 'r', workflow: 'lld', parallel: 4, items: PLAN });
    const before = stream.chunks.length;
    for (const item of PLAN.slice(0, 4)) {
      reporter.onEvent({ type: 'item-start', at: clock.now(), id: item.id, title: item.title, action: item.action });
      for (let stage = 0; stage < 20; stage++)
        reporter.onEvent({ type: 'item-stage', at: clock.now(), id: item.id, stage: `stage ${stage}` });
    }
    expect(stream.chunks.length).toBe(before);
    ticker.tick();
    expect(stream.chunks.length).toBe(before + 1);
  });

  it('removes the area and stops ticking at run end', () => {
    const { clock, stream, ticker, reporter, screen } = setup(true);
    reporter.onEvent({ type: 'run-start', at: clock.now(), runId: 'r', workflow: 'lld', parallel: 1, items: PLAN });
    ticker.tick();
    expect(screen()).toHaveLength(1);
    reporter.onEvent({ type: 'run-end', at: clock.now(), summary: SUMMARY });
    expect(screen()).toEqual([]);
    expect(ticker.active).toEqual([]);
    const after = stream.chunks.length;
    ticker.tick();
    expect(stream.chunks.length).toBe(after);
  });
});

describe('ProgressReporter without a TTY', () => {
  it('prints one plain progress line per interval, no escape codes, none after run end', async () => {
    const { clock, stream, ticker, reporter } = setup(false, 2000);
    reporter.onEvent({ type: 'run-start', at: clock.now(), runId: 'r', workflow: 'lld', parallel: 2, items: PLAN });
    expect(ticker.active.map((registration) => registration.ms)).toEqual([2000]);
    // Events alone print nothing: only the interval does.
    reporter.onEvent({ type: 'item-start', at: clock.now(), id: '1', title: 'one', action: { kind: 'start' } });
    expect(stream.chunks).toEqual([]);
    ticker.tick();
    await clock.advance(4000);
    reporter.onEvent({ type: 'item-end', at: clock.now(), id: '1', result: result('1', 'blocked', 4000) });
    ticker.tick();
    reporter.onEvent({ type: 'run-end', at: clock.now(), summary: SUMMARY });
    ticker.tick();
    expect(stream.chunks).toEqual([
      'progress: done 1 · failed 0 · running 1 · queued 3 · ETA —\n',
      'progress: done 1 · failed 0 · blocked 1 · running 0 · queued 3 · ETA ~6.0s\n',
    ]);
    expect(hasEscapeCodes(stream.text)).toBe(false);
    expect(ticker.active).toEqual([]);
  });

  it('defaults to one line every 5 seconds and counts interrupted or cancelled items as stopped', () => {
    const { clock, stream, ticker, reporter } = setup(false);
    reporter.onEvent({ type: 'run-start', at: clock.now(), runId: 'r', workflow: 'lld', parallel: 3, items: PLAN });
    expect(ticker.active.map((registration) => registration.ms)).toEqual([5000]);
    reporter.onEvent({ type: 'item-start', at: clock.now(), id: '1', title: 'one', action: { kind: 'start' } });
    reporter.onEvent({ type: 'item-end', at: clock.now(), id: '1', result: result('1', 'interrupted', 1000) });
    reporter.onEvent({ type: 'item-end', at: clock.now(), id: '3', result: result('3', 'cancelled', 0) });
    ticker.tick();
    // Remaining 2 × mean 1 s (the cancelled item never ran, so it does not count) / min(3 workers, 2 left).
    expect(stream.text).toBe('progress: done 1 · failed 0 · stopped 2 · running 0 · queued 2 · ETA ~1.0s\n');
  });

  it('counts refused items as ended from the start: invalid files and refused items as failed', () => {
    const { clock, stream, ticker, reporter } = setup(false);
    const plan: PlannedItem[] = [
      { id: '1', title: 'one', action: { kind: 'start' } },
      { id: 'café.md', title: '', action: { kind: 'refuse', status: 'invalid', reason: 'bad name' } },
      { id: 'big', title: 'big', action: { kind: 'refuse', status: 'failed', reason: 'too large' } },
    ];
    reporter.onEvent({ type: 'run-start', at: clock.now(), runId: 'r', workflow: 'lld', parallel: 1, items: plan });
    ticker.tick();
    expect(stream.text).toBe('progress: done 0 · failed 2 · running 0 · queued 1 · ETA —\n');
  });

  it('close stops the ticker even without run end', async () => {
    const { clock, ticker, reporter } = setup(false);
    reporter.onEvent({ type: 'run-start', at: clock.now(), runId: 'r', workflow: 'lld', parallel: 1, items: PLAN });
    await reporter.close();
    expect(ticker.active).toEqual([]);
  });
});
