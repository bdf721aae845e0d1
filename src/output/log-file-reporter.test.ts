import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ItemSummary } from '../core/items.js';
import { LogFileReporter } from './log-file-reporter.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const iso = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();

function result(id: string, overrides: Partial<ItemSummary> = {}): ItemSummary {
  return {
    id,
    title: id,
    status: 'succeeded',
    stage: 'done',
    durationMs: 3000,
    llmCalls: 1,
    costUsd: 0.002,
    output: null,
    error: null,
    ...overrides,
  };
}

describe('LogFileReporter', () => {
  let root: string;
  let logsDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lldflow-logs-'));
    logsDir = join(root, '.lldflow', 'logs', '2026-01-02T03-04-05Z');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes each item its own unprefixed, timestamped lines, including debug, stages, model calls and the end', async () => {
    const reporter = new LogFileReporter({ logsDir });
    reporter.onEvent({ type: 'run-start', at: T0, runId: 'r', workflow: 'lld', parallel: 2, items: [] });
    reporter.onEvent({ type: 'item-start', at: T0, id: '12', title: 'Add login', action: { kind: 'start' } });
    reporter.onEvent({ type: 'item-start', at: T0 + 1, id: 'b', title: 'Other', action: { kind: 'resume', stage: 'review' } });
    reporter.onEvent({ type: 'item-stage', at: T0 + 2, id: '12', stage: 'draft' });
    reporter.onEvent({ type: 'item-output', at: T0 + 3, id: '12', text: 'first line\nsecond ', debug: false });
    reporter.onEvent({ type: 'item-output', at: T0 + 4, id: 'b', text: 'b says hi\r\n', debug: false });
    reporter.onEvent({ type: 'item-output', at: T0 + 5, id: '12', text: 'key pool detail\n', debug: true });
    reporter.onEvent({ type: 'item-output', at: T0 + 6, id: '12', text: 'half\nunfinished', debug: false });
    reporter.onEvent({
      type: 'model-call',
      at: T0 + 7,
      id: '12',
      call: {
        provider: 'anthropic',
        model: 'claude-x',
        keyName: 'anthropic#1',
        role: 'reviewer',
        durationMs: 2500,
        inputTokens: 900,
        outputTokens: 300,
        costUsd: 0.0042,
      },
    });
    reporter.onEvent({
      type: 'item-end',
      at: T0 + 8,
      id: '12',
      result: result('12', { status: 'failed', stage: 'review', error: 'model said no\ndetails' }),
    });
    reporter.onEvent({ type: 'item-output', at: T0 + 9, id: 'b', text: 'still going', debug: false });
    await reporter.close();

    const twelve = (await readFile(join(logsDir, '12.log'), 'utf8')).split('\n');
    expect(twelve).toEqual([
      `${iso(0)} start: Add login`,
      `${iso(2)} stage: draft`,
      `${iso(3)} first line`,
      `${iso(5)} debug: key pool detail`,
      `${iso(6)} second half`,
      `${iso(7)} model call: reviewer anthropic:claude-x, key anthropic#1, 900 input + 300 output tokens, $0.0042, 2.5s`,
      `${iso(8)} unfinished`,
      `${iso(8)} end: failed at stage review after 3.0s, 1 model calls, $0.0020`,
      `${iso(8)} error: model said no`,
      `${iso(8)} error: details`,
      '',
    ]);
    const b = (await readFile(join(logsDir, 'b.log'), 'utf8')).split('\n');
    expect(b).toEqual([`${iso(1)} resume at stage review: Other`, `${iso(4)} b says hi`, `${iso(9)} still going`, '']);
    for (const line of [...twelve, ...b]) expect(line).not.toMatch(/\[(12|b)\]/);
  });

  it('appends to an existing log and resolves close only after the data is on disk', async () => {
    for (const text of ['run one\n', 'run two\n']) {
      const reporter = new LogFileReporter({ logsDir });
      reporter.onEvent({ type: 'item-output', at: T0, id: 'x', text, debug: false });
      await reporter.close();
    }
    expect(await readFile(join(logsDir, 'x.log'), 'utf8')).toBe(`${iso(0)} run one\n${iso(0)} run two\n`);
  });

  it('writes many lines from many items completely before close resolves', async () => {
    const reporter = new LogFileReporter({ logsDir });
    const ids = Array.from({ length: 10 }, (_, index) => `item-${index}`);
    for (let line = 0; line < 500; line++) {
      for (const id of ids) reporter.onEvent({ type: 'item-output', at: T0 + line, id, text: `${id} line ${line}\n`, debug: false });
    }
    await reporter.close();
    for (const id of ids) {
      const lines = (await readFile(join(logsDir, `${id}.log`), 'utf8')).trimEnd().split('\n');
      expect(lines).toHaveLength(500);
      expect(lines[499]).toBe(`${iso(499)} ${id} line 499`);
    }
  });

  it('creates no directory when nothing was logged', async () => {
    const reporter = new LogFileReporter({ logsDir });
    reporter.onEvent({ type: 'run-warning', at: T0, message: 'nothing per item' });
    await reporter.close();
    await expect(stat(logsDir)).rejects.toThrow(/ENOENT/);
  });

  it('notes an interruption in the logs of items still running', async () => {
    const reporter = new LogFileReporter({ logsDir });
    reporter.onEvent({ type: 'item-output', at: T0, id: 'done', text: 'x\n', debug: false });
    reporter.onEvent({ type: 'item-end', at: T0, id: 'done', result: result('done') });
    reporter.onEvent({ type: 'item-output', at: T0, id: 'busy', text: 'working\n', debug: false });
    reporter.onEvent({ type: 'run-interrupting', at: T0 + 1 });
    await reporter.close();
    expect(await readFile(join(logsDir, 'busy.log'), 'utf8')).toContain(`${iso(1)} run interrupted`);
    expect(await readFile(join(logsDir, 'done.log'), 'utf8')).not.toContain('interrupted');
  });

  it('rejects close naming the file it could not write', async () => {
    await mkdir(join(logsDir, 'bad.log'), { recursive: true });
    const reporter = new LogFileReporter({ logsDir });
    reporter.onEvent({ type: 'item-output', at: T0, id: 'bad', text: 'lost\n', debug: false });
    await expect(reporter.close()).rejects.toThrow(/bad\.log/);
  });

  it('refuses an item id that is not a safe file name', () => {
    const reporter = new LogFileReporter({ logsDir });
    expect(() => reporter.onEvent({ type: 'item-output', at: T0, id: '../escape', text: 'x\n', debug: false })).toThrow(/invalid item id/);
  });

  it('a logs folder that cannot be created costs the logs, never an event: close names the folder and the errno once', async () => {
    // A file where .lldflow/logs should be, as a full or read-only disk would refuse the folder.
    await mkdir(join(root, '.lldflow'), { recursive: true });
    await writeFile(join(root, '.lldflow', 'logs'), '');
    const reporter = new LogFileReporter({ logsDir });
    for (const id of ['1', '2']) {
      expect(() => reporter.onEvent({ type: 'item-start', at: T0, id, title: id, action: { kind: 'start' } })).not.toThrow();
      expect(() => reporter.onEvent({ type: 'item-output', at: T0, id, text: 'line\n', debug: false })).not.toThrow();
      expect(() => reporter.onEvent({ type: 'item-end', at: T0, id, result: result(id) })).not.toThrow();
    }
    const failure = await reporter.close().catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(new RegExp(`^item logs incomplete: could not write ${logsDir}: .* \\(ENOTDIR\\)$`));
  });
});
