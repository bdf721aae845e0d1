import { formatDuration } from '../core/format.js';
import type { ItemStatus, RunSummary } from '../core/items.js';
import type { RunEvent } from '../runner/events.js';
import { formatCost } from '../output/format.js';

/** Something that lasted: a stage, a model call, a lease, a rest. Times on the run's clock, in ms. */
export interface Span {
  start: number;
  end: number;
  /** Short text drawn on the bar when it is wide enough. */
  label: string;
  /** The whole story, for the tooltip and the details panel. */
  detail: string;
  /** Within its lane: the row it is drawn in (leases that overlap on one key get rows of their own). */
  row: number;
}

/** Something that happened at one moment: a 429, a key set aside, an item's end. */
export interface Marker {
  at: number;
  kind: 'rate-limited' | 'set-aside' | 'end';
  detail: string;
}

export interface ItemLane {
  id: string;
  title: string;
  status: ItemStatus;
  stages: Span[];
  calls: Span[];
  markers: Marker[];
  /** Why the lane is empty, when it is (skipped, refused, never started). */
  note: string | undefined;
}

export interface KeyLane {
  key: string;
  leases: Span[];
  cooldowns: Span[];
  markers: Marker[];
  /** Rows the leases need: the most calls the key carried at once. */
  rows: number;
  rateLimits: number;
}

export interface Timeline {
  start: number;
  end: number;
  items: ItemLane[];
  keys: KeyLane[];
}

interface OpenStage {
  stage: string;
  start: number;
}

/**
 * The run as lanes over time: one per item of the summary (its stages and model calls) and one per key
 * the run leased (its leases, rests and 429s). Reads only the events it draws; an interrupted run's
 * open stages and leases end at its last event.
 */
export function buildTimeline(summary: RunSummary, events: readonly RunEvent[]): Timeline {
  // A loop, not Math.min(...): a long run has more events than a call takes arguments.
  const startedAt = Date.parse(summary.startedAt);
  let first = Number.isFinite(startedAt) ? startedAt : Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    first = Math.min(first, event.at);
    last = Math.max(last, event.at);
  }
  const start = events.find((event) => event.type === 'run-start')?.at ?? (Number.isFinite(first) ? first : 0);
  const end = Math.max(start + 1, last);

  const items = new Map<string, ItemLane>(
    summary.items.map((item) => [
      item.id,
      { id: item.id, title: item.title, status: item.status, stages: [], calls: [], markers: [], note: undefined },
    ]),
  );
  const keys = new Map<string, KeyLane>();
  const openStages = new Map<string, OpenStage>();
  const openLeases = new Map<string, { key: string; start: number; id: string | undefined }>();
  const started = new Set<string>();

  const closeStage = (id: string, at: number): void => {
    const open = openStages.get(id);
    const lane = items.get(id);
    if (!open || !lane) return;
    openStages.delete(id);
    lane.stages.push({
      start: open.start,
      end: Math.max(at, open.start),
      label: open.stage,
      detail: `${id} · stage ${open.stage} · ${formatDuration(at - open.start)}`,
      row: 0,
    });
  };
  const keyLane = (key: string): KeyLane => {
    let lane = keys.get(key);
    if (!lane) {
      lane = { key, leases: [], cooldowns: [], markers: [], rows: 1, rateLimits: 0 };
      keys.set(key, lane);
    }
    return lane;
  };
  const endLease = (leaseId: string, at: number): void => {
    const open = openLeases.get(leaseId);
    if (!open) return;
    openLeases.delete(leaseId);
    const who = open.id === undefined ? 'a call' : `item ${open.id}`;
    keyLane(open.key).leases.push({
      start: open.start,
      end: Math.max(at, open.start),
      label: open.id ?? '',
      detail: `${open.key} · leased by ${who} · ${formatDuration(at - open.start)}`,
      row: 0,
    });
  };

  for (const event of events) {
    switch (event.type) {
      case 'item-start':
        started.add(event.id);
        break;
      case 'item-stage':
        closeStage(event.id, event.at);
        openStages.set(event.id, { stage: event.stage, start: event.at });
        break;
      case 'model-call': {
        const lane = items.get(event.id);
        if (!lane) break;
        const { call } = event;
        const key = call.keyName === undefined ? '' : ` on ${call.keyName}`;
        lane.calls.push({
          start: event.at - call.durationMs,
          end: event.at,
          label: call.role,
          detail: `${event.id} · ${call.role} ${call.provider}:${call.model}${key} · ${formatDuration(call.durationMs)} · ${call.inputTokens} in + ${call.outputTokens} out tokens · ${formatCost(call.costUsd)}`,
          row: 0,
        });
        break;
      }
      case 'item-end': {
        closeStage(event.id, event.at);
        const lane = items.get(event.id);
        if (!lane) break;
        const error = event.result.error === null ? '' : `: ${event.result.error.split('\n')[0] ?? ''}`;
        lane.markers.push({
          at: event.at,
          kind: 'end',
          detail: `${event.id} ${event.result.status} at stage ${event.result.stage}${error}`,
        });
        break;
      }
      case 'key-event': {
        keyEvent(event, keyLane, openLeases, endLease);
        // The item whose call met the 429 shows it too: it explains a call that took longer.
        const lane = event.kind === 'rate-limited' && event.id !== undefined ? items.get(event.id) : undefined;
        lane?.markers.push({
          at: event.at,
          kind: 'rate-limited',
          detail: `${event.id ?? ''}: HTTP 429 on ${event.key}; the call moved on`,
        });
        break;
      }
      default:
        break;
    }
  }
  for (const id of [...openStages.keys()]) closeStage(id, end);
  for (const leaseId of [...openLeases.keys()]) endLease(leaseId, end);

  for (const lane of items.values()) {
    if (!started.has(lane.id)) lane.note = notStartedNote(summary, lane.id);
    lane.calls = stack(lane.calls).spans;
  }
  for (const lane of keys.values()) {
    const stacked = stack(lane.leases);
    lane.leases = stacked.spans;
    lane.rows = stacked.rows;
  }
  const keyLanes = [...keys.values()].sort((left, right) => left.key.localeCompare(right.key, 'en', { numeric: true }));
  return { start, end, items: [...items.values()], keys: keyLanes };
}

function keyEvent(
  event: Extract<RunEvent, { type: 'key-event' }>,
  keyLane: (key: string) => KeyLane,
  openLeases: Map<string, { key: string; start: number; id: string | undefined }>,
  endLease: (leaseId: string, at: number) => void,
): void {
  const leaseId = `${event.key}/${event.lease ?? 0}`;
  const who = event.id === undefined ? '' : ` (item ${event.id})`;
  switch (event.kind) {
    case 'lease-start':
      openLeases.set(leaseId, { key: event.key, start: event.at, id: event.id });
      keyLane(event.key);
      return;
    case 'lease-end':
      endLease(leaseId, event.at);
      return;
    case 'rate-limited': {
      const lane = keyLane(event.key);
      lane.rateLimits += 1;
      lane.markers.push({ at: event.at, kind: 'rate-limited', detail: `${event.key} answered HTTP 429${who}` });
      return;
    }
    case 'cooldown': {
      const until = event.untilMs ?? event.at;
      keyLane(event.key).cooldowns.push({
        start: event.at,
        end: until,
        label: '',
        detail: `${event.key} rests ${formatDuration(until - event.at)}${event.reason === undefined ? '' : ` · ${event.reason}`}`,
        row: 0,
      });
      return;
    }
    case 'set-aside':
      keyLane(event.key).markers.push({
        at: event.at,
        kind: 'set-aside',
        detail: `${event.reason ?? `${event.key} set aside`}: not used again this run`,
      });
      return;
  }
}

/** Rows for spans that overlap: each span takes the first row free at its start. */
function stack(spans: readonly Span[]): { spans: Span[]; rows: number } {
  const rowEnds: number[] = [];
  const placed = [...spans]
    .sort((left, right) => left.start - right.start)
    .map((span) => {
      let row = rowEnds.findIndex((rowEnd) => rowEnd <= span.start);
      if (row === -1) row = rowEnds.push(span.end) - 1;
      else rowEnds[row] = span.end;
      return { ...span, row };
    });
  return { spans: placed, rows: Math.max(1, rowEnds.length) };
}

function notStartedNote(summary: RunSummary, id: string): string {
  const item = summary.items.find((candidate) => candidate.id === id);
  if (!item) return 'not run';
  const why = item.error ?? item.output ?? '';
  return why === '' ? `${item.status}, not run` : `${item.status}, not run: ${why.split('\n')[0] ?? ''}`;
}
