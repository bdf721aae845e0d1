import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import type { RunSummary } from '../core/items.js';
import { CaptureStream } from '../output/testing/capture-stream.js';
import type { RunEvent } from '../runner/events.js';
import { runCli } from './program.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function repository(): string {
  const repo = mkdtempSync(join(tmpdir(), 'lldflow-report-'));
  folders.push(repo);
  return repo;
}

function saveRun(repo: string, runId: string, events?: RunEvent[] | string): void {
  const runs = join(repo, '.lldflow', 'runs');
  mkdirSync(runs, { recursive: true });
  const summary: RunSummary = {
    runId,
    workflow: 'lld',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1000,
    parallel: 1,
    counts: { succeeded: 1, failed: 0, blocked: 0, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
    items: [
      {
        id: '1',
        title: `Run ${runId}`,
        status: 'succeeded',
        stage: 'done',
        durationMs: 900,
        llmCalls: 2,
        costUsd: 0.01,
        output: null,
        error: null,
      },
    ],
    retryCommand: null,
  };
  writeFileSync(join(runs, `${runId}.json`), JSON.stringify(summary));
  if (events === undefined) return;
  const text = typeof events === 'string' ? events : events.map((event) => `${JSON.stringify(event)}\n`).join('');
  writeFileSync(join(runs, `${runId}.events.ndjson`), text);
}

const EVENTS: RunEvent[] = [
  { type: 'run-start', at: 1000, runId: 'r', workflow: 'lld', parallel: 1, items: [] },
  { type: 'item-start', at: 1000, id: '1', title: 'One', action: { kind: 'start' } },
  { type: 'item-stage', at: 1000, id: '1', stage: 'draft' },
  { type: 'key-event', at: 1001, key: 'openai#1', kind: 'lease-start', id: '1', lease: 1 },
];

async function report(repo: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new CaptureStream();
  const stderr = new CaptureStream();
  const code = await runCli(['report', ...args, '--repo', repo], {
    cwd: repo,
    env: {},
    stdout,
    stderr,
    clock: new FakeClock(),
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('lldflow report', () => {
  it('reports the latest run by default (run order, not name order) and prints the path it wrote', async () => {
    const repo = repository();
    saveRun(repo, '2026-01-01T00-00-00Z', EVENTS);
    saveRun(repo, '2026-01-01T00-00-09Z-2', EVENTS);
    saveRun(repo, '2026-01-01T00-00-09Z-10', EVENTS);
    saveRun(repo, '2026-01-01T00-00-09Z', EVENTS);
    const result = await report(repo);
    const path = join(repo, '.lldflow', 'reports', '2026-01-01T00-00-09Z-10.html');
    expect(result).toEqual({ code: 0, stdout: `report: ${path}\n`, stderr: '' });
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('Run 2026-01-01T00-00-09Z-10');
    expect(html).toContain('data-lane="key" data-key="openai#1"');
    expect((await report(repo, 'latest')).stdout).toBe(`report: ${path}\n`);
  });

  it('reports a named run', async () => {
    const repo = repository();
    saveRun(repo, '2026-01-01T00-00-00Z', EVENTS);
    saveRun(repo, '2026-01-02T00-00-00Z', EVENTS);
    const result = await report(repo, '2026-01-01T00-00-00Z');
    expect(result.code).toBe(0);
    expect(readFileSync(join(repo, '.lldflow', 'reports', '2026-01-01T00-00-00Z.html'), 'utf8')).toContain('Run 2026-01-01T00-00-00Z');
    expect(existsSync(join(repo, '.lldflow', 'reports', '2026-01-02T00-00-00Z.html'))).toBe(false);
  });

  it('an unknown run id, or one that is no run id at all, is exit 2 naming it and the latest five runs, nothing written', async () => {
    const repo = repository();
    const ids = Array.from({ length: 7 }, (_, index) => `2026-01-0${index + 1}T00-00-00Z`);
    for (const id of ids) saveRun(repo, id, EVENTS);
    for (const wanted of ['2025-12-31T00-00-00Z', '../../../etc/passwd', '']) {
      const result = await report(repo, wanted);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `lldflow: no run ${JSON.stringify(wanted)} in .lldflow/runs/ of ${repo}: the latest are ${ids.slice(2).reverse().join(', ')} (or pass latest)\n`,
      );
    }
    expect(existsSync(join(repo, '.lldflow', 'reports'))).toBe(false);
  });

  it('a repository without runs is exit 2, saying how to make one', async () => {
    const repo = repository();
    const result = await report(repo);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no run in .* yet \(\.lldflow\/runs\/ is empty\): run lldflow requirements or implement first/);
  });

  it('a run without events still gets its summary, with a warning; unreadable event lines are counted', async () => {
    const repo = repository();
    saveRun(repo, '2026-01-01T00-00-00Z');
    const bare = await report(repo);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(
      /^warning: run 2026-01-01T00-00-00Z recorded no events: the report has its summary but no timeline\nreport: /,
    );
    expect(readFileSync(join(repo, '.lldflow', 'reports', '2026-01-01T00-00-00Z.html'), 'utf8')).toContain('This run recorded no events');

    saveRun(repo, '2026-01-02T00-00-00Z', `${EVENTS.map((event) => JSON.stringify(event)).join('\n')}\n{"type":"item-out`);
    const cut = await report(repo);
    expect(cut.stdout).toMatch(/^warning: 1 line of the run's events file could not be read and is left out\nreport: /);
    expect(readFileSync(join(repo, '.lldflow', 'reports', '2026-01-02T00-00-00Z.html'), 'utf8')).toContain('data-lane="item" data-id="1"');
  });
});
