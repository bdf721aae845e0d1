import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../runner/events.js';
import { atomicFileSink, EventsReporter, fileSink, streamSink } from './events-reporter.js';
import { CaptureStream } from './testing/capture-stream.js';

const EVENTS: RunEvent[] = [
  {
    type: 'run-start',
    at: 1,
    runId: 'r',
    workflow: 'lld',
    parallel: 2,
    items: [{ id: '1', title: 'Multi\nline "title"', action: { kind: 'start' } }],
  },
  { type: 'item-start', at: 2, id: '1', title: 'Multi\nline "title"', action: { kind: 'start' } },
  { type: 'key-event', at: 3, key: 'openai#1', kind: 'lease-start', id: '1', lease: 1 },
  { type: 'item-output', at: 4, id: '1', text: 'partial ', debug: false },
];

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'lldflow-events-'));
  folders.push(path);
  return path;
}

function parseLines(text: string): unknown[] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

describe('EventsReporter', () => {
  it('writes each event as one JSON line, in order, a newline inside a text staying escaped', async () => {
    const stream = new CaptureStream();
    const reporter = new EventsReporter(streamSink(stream));
    for (const event of EVENTS) reporter.onEvent(event);
    await reporter.close();
    expect(stream.chunks).toHaveLength(EVENTS.length);
    expect(parseLines(stream.text)).toEqual(EVENTS);
  });

  it('writes nothing after it closed', async () => {
    const stream = new CaptureStream();
    const reporter = new EventsReporter(streamSink(stream));
    reporter.onEvent(EVENTS[0]!);
    await reporter.close();
    reporter.onEvent(EVENTS[1]!);
    expect(stream.chunks).toHaveLength(1);
  });

  it('streams into a file while the run goes, replacing what the file held', async () => {
    const path = join(folder(), 'events.ndjson');
    writeFileSync(path, 'an older run\n');
    const reporter = new EventsReporter(fileSink(path));
    for (const event of EVENTS) reporter.onEvent(event);
    await reporter.close();
    expect(parseLines(readFileSync(path, 'utf8'))).toEqual(EVENTS);
  });

  it('rejects on close naming a file it could not write', async () => {
    const path = join(folder(), 'missing-folder', 'events.ndjson');
    const reporter = new EventsReporter(fileSink(path));
    reporter.onEvent(EVENTS[0]!);
    await expect(reporter.close()).rejects.toThrow(path);
  });

  it("writes the run's own file only at the end, whole, leaving no temporary file", async () => {
    const runs = join(folder(), 'runs');
    const path = join(runs, 'r.events.ndjson');
    const reporter = new EventsReporter(atomicFileSink(path));
    for (const event of EVENTS) reporter.onEvent(event);
    expect(() => readdirSync(runs)).toThrow();
    await reporter.close();
    expect(readdirSync(runs)).toEqual(['r.events.ndjson']);
    expect(parseLines(readFileSync(path, 'utf8'))).toEqual(EVENTS);
  });
});
