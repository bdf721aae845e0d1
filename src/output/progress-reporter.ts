import type { Reporter, RunEvent } from '../runner/events.js';
import type { ItemStatus } from '../core/items.js';
import { formatDuration } from '../core/format.js';
import { progressGroup, type ProgressGroup } from './status-style.js';
import type { TerminalWriter } from './terminal-writer.js';
import { intervalTicker, type Ticker } from './ticker.js';

export interface ProgressReporterOptions {
  writer: TerminalWriter;
  /** The run's clock, for running items' elapsed time. Default: Date.now. */
  now?: () => number;
  /** Drives redraws and plain progress lines. Default: unref'd setInterval. */
  ticker?: Ticker;
  /** Without a TTY, one progress line every this many milliseconds. Default: 5000. */
  plainIntervalMs?: number;
}

/** Throttle for the live area: a burst of events costs one redraw per tick. */
export const REDRAW_INTERVAL_MS = 100;
const DEFAULT_PLAIN_INTERVAL_MS = 5000;

type ItemProgress =
  | { state: 'queued' }
  | { state: 'running'; startedAt: number; stage: string; title: string }
  | { state: 'finished'; status: ItemStatus; ran: boolean; durationMs: number };

/**
 * Shows how far a run is: a live area at the bottom of a TTY (counts, one row per running item, ETA),
 * or a plain progress line every few seconds in pipes and CI logs.
 */
export class ProgressReporter implements Reporter {
  private readonly items = new Map<string, ItemProgress>();
  private readonly now: () => number;
  private readonly ticker: Ticker;
  private readonly plainIntervalMs: number;
  private parallel = 1;
  private timer: { stop(): void } | undefined;
  private ended = false;

  constructor(private readonly options: ProgressReporterOptions) {
    this.now = options.now ?? Date.now;
    this.ticker = options.ticker ?? intervalTicker;
    this.plainIntervalMs = options.plainIntervalMs ?? DEFAULT_PLAIN_INTERVAL_MS;
  }

  onEvent(event: RunEvent): void {
    if (this.ended) return;
    switch (event.type) {
      case 'run-start':
        this.parallel = Math.max(1, event.parallel);
        for (const item of event.items) {
          // Items planned as skips or refused never start, so they count as ended from the outset.
          const action = item.action;
          this.items.set(
            item.id,
            action.kind === 'skip' || action.kind === 'refuse'
              ? { state: 'finished', status: action.kind === 'skip' ? 'skipped' : action.status, ran: false, durationMs: 0 }
              : { state: 'queued' },
          );
        }
        this.startTicking();
        return;
      case 'item-start':
        this.items.set(event.id, {
          state: 'running',
          startedAt: event.at,
          stage: event.action.kind === 'resume' ? event.action.stage : 'starting',
          title: event.title,
        });
        this.startTicking();
        return;
      case 'item-stage': {
        const item = this.items.get(event.id);
        if (item?.state === 'running') item.stage = event.stage;
        return;
      }
      case 'item-end': {
        const ran = this.items.get(event.id)?.state === 'running';
        this.items.set(event.id, { state: 'finished', status: event.result.status, ran, durationMs: event.result.durationMs });
        return;
      }
      case 'run-end':
        this.stop();
        return;
      case 'item-output':
      case 'model-call':
      case 'run-warning':
      case 'run-interrupting':
      case 'run-stopping':
        return;
    }
  }

  close(): Promise<void> {
    this.stop();
    return Promise.resolve();
  }

  /** The counts and ETA, as shown in the live area and in plain progress lines. */
  describeCounts(): string {
    const ended: Record<ProgressGroup, number> = { done: 0, failed: 0, blocked: 0, stopped: 0 };
    let running = 0;
    let queued = 0;
    const durations: number[] = [];
    for (const item of this.items.values()) {
      if (item.state === 'queued') queued += 1;
      else if (item.state === 'running') running += 1;
      else {
        if (item.ran) durations.push(item.durationMs);
        ended[progressGroup(item.status)] += 1;
      }
    }
    const parts = [`done ${ended.done}`, `failed ${ended.failed}`];
    // Blocked items wait for a human, which is not a failure; shown only when there are some.
    if (ended.blocked > 0) parts.push(`blocked ${ended.blocked}`);
    if (ended.stopped > 0) parts.push(`stopped ${ended.stopped}`);
    parts.push(`running ${running}`, `queued ${queued}`, `ETA ${estimate(queued + running, durations, this.parallel)}`);
    return parts.join(' · ');
  }

  /**
   * The rows of the live area: one per running item (its stage, time so far and title, which the writer
   * cuts to the terminal's width), then the counts. When the terminal has fewer rows than that, the
   * items that started first are shown and one row says how many more run.
   */
  describeArea(): string[] {
    const now = this.now();
    const running = [...this.items].flatMap(([id, item]) => (item.state === 'running' ? [{ id, item }] : []));
    const width = Math.max(0, ...running.map(({ id }) => id.length)) + 2;
    const rows = running.map(
      ({ id, item }) => `${`[${id}]`.padEnd(width)} ${item.stage} · ${formatDuration(now - item.startedAt)}${withSeparator(item.title)}`,
    );
    // One row of the terminal stays for the cursor below the area.
    const room = Math.max(1, this.options.writer.rows - 1);
    if (rows.length + 1 > room) {
      const shown = Math.max(0, room - 2);
      return [...rows.slice(0, shown), `… and ${rows.length - shown} more running`, this.describeCounts()];
    }
    return [...rows, this.describeCounts()];
  }

  private startTicking(): void {
    if (this.timer || this.ended) return;
    const writer = this.options.writer;
    this.timer = writer.isTTY
      ? this.ticker.every(REDRAW_INTERVAL_MS, () => {
          if (!this.ended) writer.setStatusArea(this.describeArea());
        })
      : this.ticker.every(this.plainIntervalMs, () => {
          if (!this.ended) writer.writeLines([`progress: ${this.describeCounts()}`]);
        });
  }

  private stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.timer?.stop();
    this.timer = undefined;
    this.options.writer.setStatusArea([]);
  }
}

/** ` · <title>` on one line, or nothing for an item without a title. */
function withSeparator(title: string): string {
  const flat = title.replace(/\s+/g, ' ').trim();
  return flat === '' ? '' : ` · ${flat}`;
}

/** Remaining items × mean duration of items that ran, shared among the workers still busy. */
function estimate(remaining: number, durations: readonly number[], parallel: number): string {
  if (remaining === 0) return formatDuration(0);
  if (durations.length === 0) return '—';
  const mean = durations.reduce((sum, duration) => sum + duration, 0) / durations.length;
  return `~${formatDuration((remaining * mean) / Math.min(parallel, remaining))}`;
}
