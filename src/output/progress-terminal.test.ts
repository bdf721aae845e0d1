import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import type { ItemSummary, RunSummary } from '../core/items.js';
import type { PlannedItem, RunEvent } from '../runner/events.js';
import { ConsoleReporter } from './console-reporter.js';
import { ProgressReporter } from './progress-reporter.js';
import { combineReporters } from './reporters.js';
import { TerminalWriter } from './terminal-writer.js';
import { FakeTicker } from './testing/fake-ticker.js';
import { XtermScreen, type ScreenRow } from './testing/xterm-screen.js';

const LONG_TITLE =
  'Read a configuration file at the repository root, with flags over environment variables over the file over the defaults, validated before anything runs';
const TITLES: Record<string, string> = {
  '1': LONG_TITLE,
  '2': 'Short title',
  // Each of these characters takes two columns: counted as one, the row would wrap.
  '3': '設定ファイルを読み込み、環境変数とフラグの優先順位を決める機能を追加する長い題名の項目です。これは本当に長い題名で、幅の広い端末でも最後まで表示されません',
  '4': 'Emoji 🚀 in a title 🎉 that runs on for a while, so that it reaches the edge of any terminal it is shown in',
  '5': 'Retry blocked items with their history and more review rounds',
  '6': 'Status that tells the truth about every item',
  '7': 'Clean finished worktrees',
  '8': 'Follow one item’s log while it runs',
  '9': 'A report with a timeline',
  '10': 'Events for continuous integration',
};
const IDS = Object.keys(TITLES);
const LONG_ERROR =
  'openai:gpt-4.1: connection refused at http://127.0.0.1:9/v1 (OPENAI_BASE_URL) — the server did not accept the connection after 3 attempts on openai#1 and openai#2';

function result(id: string, overrides: Partial<ItemSummary>): ItemSummary {
  return {
    id,
    title: TITLES[id] ?? id,
    status: 'succeeded',
    stage: 'done',
    durationMs: 1000,
    llmCalls: 2,
    costUsd: 0.01,
    output: null,
    error: null,
    ...overrides,
  };
}

const screens: XtermScreen[] = [];
afterEach(() => {
  for (const screen of screens.splice(0)) screen.dispose();
});

/** The real console and progress reporters writing into a terminal emulator of the given size. */
function runInTerminal(columns: number, rows: number) {
  const screen = new XtermScreen(columns, rows);
  screens.push(screen);
  const clock = new FakeClock();
  const ticker = new FakeTicker();
  const writer = new TerminalWriter(screen);
  const reporter = combineReporters([
    new ConsoleReporter({ writer, debug: false, color: true }),
    new ProgressReporter({ writer, now: () => clock.now(), ticker }),
  ]);
  const emit = (event: RunEvent): void => reporter.onEvent(event);
  return { screen, clock, ticker, writer, reporter, emit };
}

function plan(ids: readonly string[]): PlannedItem[] {
  return ids.map((id) => ({ id, title: TITLES[id] ?? id, action: { kind: 'start' } }));
}

function expectNoWrappedRows(rows: readonly ScreenRow[]): void {
  const wrapped = rows.flatMap((row, index) => (row.wrapped ? [`${index}: ${JSON.stringify(rows[index - 1]?.text)} → ${row.text}`] : []));
  expect(wrapped, 'rows the terminal had to wrap').toEqual([]);
}

const COUNTS_ROW = /^done \d+ · failed \d+/;
const AREA_ROW = (id: string): RegExp => new RegExp(`^\\[${id}\\]\\s+\\S+ · \\S+ · `);

describe.each([80, 160])('the live progress in a %i-column terminal', (columns) => {
  it('draws one unwrapped row per running item, titles cut at the width, and redraws without leaving rows behind', async () => {
    const { screen, clock, ticker, writer, emit } = runInTerminal(columns, 30);
    emit({ type: 'run-start', at: clock.now(), runId: '2026-05-01T10-00-00Z', workflow: 'lld', parallel: 10, items: plan(IDS) });
    for (const id of IDS) emit({ type: 'item-start', at: clock.now(), id, title: TITLES[id] ?? id, action: { kind: 'start' } });
    ticker.tick();
    for (const [index, id] of IDS.entries()) {
      await clock.advance(700);
      emit({ type: 'item-stage', at: clock.now(), id, stage: index % 2 === 0 ? 'draft' : 'review-1' });
      emit({ type: 'item-output', at: clock.now(), id, text: `drafting with openai:gpt-4.1 (${TITLES[id] ?? ''})\n`, debug: false });
      ticker.tick();
    }

    const above = await screen.aboveCursor();
    const area = above.slice(-(IDS.length + 1));
    expect(area.at(-1)).toMatch(COUNTS_ROW);
    IDS.forEach((id, index) => expect(area[index]).toMatch(AREA_ROW(id)));
    const all = await screen.allRows();
    expectNoWrappedRows(all);
    // Every redraw erased the one before: one counts row and one row per item in the whole buffer.
    expect(all.filter((row) => COUNTS_ROW.test(row.text))).toHaveLength(1);
    for (const id of IDS) expect(all.filter((row) => AREA_ROW(id).test(row.text))).toHaveLength(1);

    // A long title fills the row up to the last column but one, however wide the terminal.
    const longRow = area[0] ?? '';
    expect(longRow.endsWith('…')).toBe(true);
    expect(longRow).toHaveLength(columns - 1);
    expect(LONG_TITLE.startsWith(longRow.slice(longRow.indexOf('Read'), -1))).toBe(true);
    expect(area[1]?.endsWith('· Short title')).toBe(true);
    expect(area[2]?.endsWith('…')).toBe(true);

    emit({ type: 'item-end', at: clock.now(), id: '1', result: result('1', { status: 'failed', stage: 'draft', error: LONG_ERROR }) });
    emit({ type: 'run-warning', at: clock.now(), message: `every openai key is set aside: ${LONG_ERROR}` });
    for (const id of IDS.slice(1))
      emit({ type: 'item-end', at: clock.now(), id, result: result(id, { output: `docs/lld/active/LLD-${id}.md` }) });
    ticker.tick();
    emit({ type: 'run-end', at: clock.now(), summary: {} as RunSummary });
    writer.close();

    const end = await screen.allRows();
    expectNoWrappedRows(end);
    expect(end.filter((row) => COUNTS_ROW.test(row.text))).toEqual([]);
    // The long failure is folded under its prefix, nothing of it lost.
    const failure = end.findIndex((row) => row.text.startsWith('[1]  failed after'));
    expect(failure).toBeGreaterThan(-1);
    const folded = [end[failure]?.text ?? ''];
    for (let index = failure + 1; end[index]?.text.startsWith('     ') === true; index++) folded.push(end[index]?.text.trim() ?? '');
    expect(folded.join(' ')).toBe(`[1]  failed after 1.0s: ${LONG_ERROR}`);
    for (const id of IDS.slice(1)) expect(end.some((row) => row.text.startsWith(`[${id}]`.padEnd(4) + ' succeeded'))).toBe(true);
  });
});

describe('the live progress with more running items than terminal rows', () => {
  it('keeps the area inside the screen and says how many more run', async () => {
    const { screen, clock, ticker, writer, emit } = runInTerminal(80, 8);
    emit({ type: 'run-start', at: clock.now(), runId: 'r', workflow: 'lld', parallel: 10, items: plan(IDS) });
    for (const id of IDS) emit({ type: 'item-start', at: clock.now(), id, title: TITLES[id] ?? id, action: { kind: 'start' } });
    for (let round = 0; round < 3; round++) {
      await clock.advance(1000);
      ticker.tick();
      emit({ type: 'item-output', at: clock.now(), id: '2', text: `round ${round}\n`, debug: false });
    }
    const above = await screen.aboveCursor();
    expect(above.slice(-7)).toEqual([
      expect.stringMatching(AREA_ROW('1')),
      expect.stringMatching(AREA_ROW('2')),
      expect.stringMatching(AREA_ROW('3')),
      expect.stringMatching(AREA_ROW('4')),
      expect.stringMatching(AREA_ROW('5')),
      '… and 5 more running',
      expect.stringMatching(COUNTS_ROW),
    ]);
    const all = await screen.allRows();
    expectNoWrappedRows(all);
    expect(all.filter((row) => COUNTS_ROW.test(row.text))).toHaveLength(1);
    expect(all.filter((row) => row.text.startsWith('[2]  round'))).toHaveLength(3);
    writer.close();
  });
});
