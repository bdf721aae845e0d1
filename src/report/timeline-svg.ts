import { formatDuration } from '../core/format.js';
import { attributes, escapeHtml } from './html.js';
import type { ItemLane, KeyLane, Marker, Span, Timeline } from './timeline.js';

const WIDTH = 1200;
const LABEL_WIDTH = 230;
const RIGHT_PADDING = 24;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - RIGHT_PADDING;
const AXIS_HEIGHT = 30;
const SECTION_HEIGHT = 26;
const ROW_HEIGHT = 14;
const STAGE_HEIGHT = 16;
/** A call of a few milliseconds still shows. */
const MIN_BAR_WIDTH = 2;
const LABEL_CHARACTERS = 30;

/** Stage kinds get their colour by name (`review-2` is a review), the same in every report. */
const STAGE_COLORS = ['#4e79a7', '#59a14f', '#9c755f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#bab0ac'];

/** Seconds to hours: the first step that leaves at most about ten ticks on the axis. */
const TICK_STEPS_MS = [
  100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
];

/**
 * The timeline as inline SVG: a time axis from the run's start, a lane per item (stages above, model
 * calls below) and a lane per key (leases, stacked when they overlap; rests; 429s and keys set aside
 * as marks). Every lane is a `<g data-lane>` naming its item or key, every bar carries its story in a
 * `<title>`: the browser shows it as a tooltip and the report's script in its details panel.
 */
export function renderTimelineSvg(timeline: Timeline): string {
  const scale = (at: number): number => LABEL_WIDTH + ((at - timeline.start) / (timeline.end - timeline.start)) * PLOT_WIDTH;
  const parts: string[] = [];
  let y = AXIS_HEIGHT;

  parts.push(section('Items', y));
  y += SECTION_HEIGHT;
  for (const lane of timeline.items) {
    const height = itemLaneHeight(lane);
    parts.push(itemLane(lane, y, height, scale));
    y += height;
  }
  if (timeline.keys.length > 0) {
    parts.push(section('Keys', y));
    y += SECTION_HEIGHT;
    for (const lane of timeline.keys) {
      const height = keyLaneHeight(lane);
      parts.push(keyLane(lane, y, height, scale));
      y += height;
    }
  }
  const height = y + 8;
  return [
    `<svg ${attributes({ class: 'timeline', viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: 'img', 'aria-label': 'run timeline' })}>`,
    axis(timeline, height, scale),
    ...parts,
    `<line ${attributes({ id: 'cursor', class: 'cursor', x1: 0, x2: 0, y1: AXIS_HEIGHT - 6, y2: height, visibility: 'hidden' })}/>`,
    '</svg>',
  ].join('\n');
}

function itemLaneHeight(lane: ItemLane): number {
  const callRows = lane.calls.reduce((rows, call) => Math.max(rows, call.row + 1), 1);
  return 6 + STAGE_HEIGHT + 4 + callRows * ROW_HEIGHT + 6;
}

function keyLaneHeight(lane: KeyLane): number {
  return 6 + lane.rows * ROW_HEIGHT + 10;
}

function itemLane(lane: ItemLane, y: number, height: number, scale: (at: number) => number): string {
  const stageY = y + 6;
  const callY = stageY + STAGE_HEIGHT + 4;
  const shapes = [
    ...lane.stages.map((span) => bar(span, scale, stageY, STAGE_HEIGHT, 'stage', stageColor(span.label))),
    ...lane.calls.map((span) => bar(span, scale, callY + span.row * ROW_HEIGHT, ROW_HEIGHT - 3, 'call')),
    ...lane.markers.map((marker) => mark(marker, scale, y + 3, height - 6, marker.kind === 'end' ? `status-${lane.status}` : marker.kind)),
  ];
  const note =
    lane.note === undefined
      ? ''
      : `<text ${attributes({ class: 'note', x: LABEL_WIDTH + 6, y: y + height / 2 + 4 })}>${escapeHtml(lane.note)}</text>`;
  return [
    `<g ${attributes({ class: `lane item-lane status-${lane.status}`, 'data-lane': 'item', 'data-id': lane.id, 'data-status': lane.status })}>`,
    laneBackground(y, height),
    laneLabel(`${lane.id} · ${lane.title}`, `${lane.id}: ${lane.title} (${lane.status})`, y, height),
    ...shapes,
    note,
    '</g>',
  ].join('');
}

function keyLane(lane: KeyLane, y: number, height: number, scale: (at: number) => number): string {
  const leaseY = y + 6;
  const restY = leaseY + lane.rows * ROW_HEIGHT + 1;
  const label = `${lane.key} · ${lane.leases.length} ${lane.leases.length === 1 ? 'lease' : 'leases'}${lane.rateLimits > 0 ? ` · ${lane.rateLimits}×429` : ''}`;
  return [
    `<g ${attributes({ class: 'lane key-lane', 'data-lane': 'key', 'data-key': lane.key })}>`,
    laneBackground(y, height),
    laneLabel(label, label, y, height),
    ...lane.leases.map((span) => bar(span, scale, leaseY + span.row * ROW_HEIGHT, ROW_HEIGHT - 3, 'lease')),
    ...lane.cooldowns.map((span) => bar(span, scale, restY, 7, 'cooldown')),
    ...lane.markers.map((marker) => mark(marker, scale, y + 3, height - 6, marker.kind)),
    '</g>',
  ].join('');
}

function bar(span: Span, scale: (at: number) => number, y: number, height: number, kind: string, fill?: string): string {
  const x = scale(span.start);
  const width = Math.max(MIN_BAR_WIDTH, scale(span.end) - x);
  const text =
    width > span.label.length * 6.5 + 6
      ? `<text ${attributes({ class: 'bar-label', x: x + 3, y: y + height - 4 })}>${escapeHtml(span.label)}</text>`
      : '';
  return `<g class="bar"><rect ${attributes({ class: kind, x, y, width, height, rx: 2, fill })}><title>${escapeHtml(span.detail)}</title></rect>${text}</g>`;
}

function mark(marker: Marker, scale: (at: number) => number, y: number, height: number, kind: string): string {
  const x = scale(marker.at);
  return `<g class="bar"><rect ${attributes({ class: `mark ${kind}`, x: x - 1.5, y, width: 3, height })}><title>${escapeHtml(marker.detail)}</title></rect></g>`;
}

function laneBackground(y: number, height: number): string {
  return `<rect ${attributes({ class: 'lane-background', x: 0, y, width: WIDTH, height })}/>`;
}

function laneLabel(text: string, full: string, y: number, height: number): string {
  const shown = text.length > LABEL_CHARACTERS ? `${text.slice(0, LABEL_CHARACTERS - 1)}…` : text;
  return `<text ${attributes({ class: 'lane-label', x: 8, y: y + height / 2 + 4 })}>${escapeHtml(shown)}<title>${escapeHtml(full)}</title></text>`;
}

function section(name: string, y: number): string {
  return `<text ${attributes({ class: 'section', x: 8, y: y + 18 })}>${escapeHtml(name)}</text>`;
}

function axis(timeline: Timeline, height: number, scale: (at: number) => number): string {
  const duration = timeline.end - timeline.start;
  const step = TICK_STEPS_MS.find((candidate) => duration / candidate <= 10) ?? Math.ceil(duration / 10 / 3_600_000) * 3_600_000;
  const ticks: string[] = [];
  for (let offset = 0; offset <= duration; offset += step) {
    const x = scale(timeline.start + offset);
    ticks.push(
      `<line ${attributes({ class: 'tick', x1: x, x2: x, y1: AXIS_HEIGHT - 6, y2: height })}/>`,
      `<text ${attributes({ class: 'tick-label', x, y: AXIS_HEIGHT - 10 })}>${escapeHtml(formatDuration(offset))}</text>`,
    );
  }
  return `<g ${attributes({ class: 'axis', 'data-start': timeline.start, 'data-end': timeline.end, 'data-left': LABEL_WIDTH, 'data-width': PLOT_WIDTH })}>${ticks.join('')}</g>`;
}

function stageColor(stage: string): string {
  const kind = stage.replace(/[-\s]*\d+$/, '');
  let hash = 0;
  for (const character of kind) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  return STAGE_COLORS[hash % STAGE_COLORS.length] ?? STAGE_COLORS[0]!;
}
