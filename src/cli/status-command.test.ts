import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import type { ItemSummary } from '../core/items.js';
import { temporaryRepository } from '../git/testing/temporary-repository.js';
import { displayWidth } from '../output/display-width.js';
import { CaptureStream } from '../output/testing/capture-stream.js';
import { saveRunSummary } from '../runs/run-files.js';
import { runCli } from './program.js';

const TITLE = 'Add a configurable dark mode toggle to every settings page, kept per user';

async function repositoryWithRuns(): Promise<string> {
  const { repo } = temporaryRepository([]);
  const item = (id: string, extra: Partial<ItemSummary>): ItemSummary => ({
    id,
    title: TITLE,
    status: 'succeeded',
    stage: 'done',
    durationMs: 1,
    llmCalls: 1,
    costUsd: 0.01,
    output: null,
    error: null,
    ...extra,
  });
  const counts = { succeeded: 0, failed: 0, blocked: 0, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 };
  await saveRunSummary(repo, {
    runId: '2026-01-01T00-00-00Z',
    workflow: 'implement',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 10,
    parallel: 1,
    counts,
    items: [item('1', { status: 'failed', stage: 'code 2', error: 'tests still failing' })],
    retryCommand: null,
  });
  await saveRunSummary(repo, {
    runId: '2026-01-01T00-00-01Z',
    workflow: 'lld',
    startedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 10,
    parallel: 1,
    counts,
    items: [item('1', { output: 'docs/lld/active/LLD-001.md' }), item('2', { status: 'blocked', stage: 'review 1' })],
    retryCommand: null,
  });
  return repo;
}

async function status(
  args: string[],
  repo: string,
  stdout = new CaptureStream(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stderr = new CaptureStream();
  const code = await runCli(['status', '--repo', repo, ...args], {
    cwd: repo,
    env: {},
    stdout,
    stderr,
    clock: new FakeClock(),
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('lldflow status', () => {
  it('lists designs before implementations, with cost, and fits 80 columns when not on a terminal', async () => {
    const repo = await repositoryWithRuns();
    const shown = await status([], repo, new CaptureStream({ isTTY: false, columns: 200 }));
    expect(shown.code).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines.slice(2, 5).map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual(['lld 1', 'lld 2', 'implement 1']);
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(80);
    expect(lines[2]).toContain('…');
    expect(lines[4]).toMatch(/code 2\s+failed\s+\$0\.0100/);
    expect(lines[5]).toBe('3 items, $0.0300 in all');
  });

  it("takes a terminal's width: at 160 columns the title is whole", async () => {
    const repo = await repositoryWithRuns();
    const shown = await status([], repo, new CaptureStream({ isTTY: true, columns: 160 }));
    const lines = shown.stdout.trimEnd().split('\n');
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(160);
    expect(lines[2]).toContain(TITLE);
  });

  it('--workflow and --status filter the rows, in the table and in --json', async () => {
    const repo = await repositoryWithRuns();
    const blocked = await status(['--status', 'blocked'], repo);
    expect(blocked.stdout).toMatch(/^lld\s+2\s.*review 1\s+blocked/m);
    expect(blocked.stdout).not.toMatch(/^implement/m);
    const json = await status(['--workflow', 'implement', '--json'], repo);
    const parsed = JSON.parse(json.stdout) as { items: Array<Record<string, unknown>> };
    expect(parsed.items).toEqual([
      expect.objectContaining({ workflow: 'implement', id: '1', lastResult: 'failed', costUsd: 0.01, branch: null, worktree: null }),
    ]);
    const none = await status(['--workflow', 'issue'], repo);
    expect(none.stdout).toContain('no item matches --workflow issue (3 known in');
  });

  it('an unknown --workflow or --status is a usage error naming it (exit 2)', async () => {
    const repo = await repositoryWithRuns();
    const workflow = await status(['--workflow', 'design'], repo);
    expect(workflow.code).toBe(2);
    expect(workflow.stderr).toMatch(/--workflow <workflow>' argument 'design' is invalid\. Allowed choices are lld, issue, implement/);
    const result = await status(['--status', 'done'], repo);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--status <result>' argument 'done' is invalid\. Allowed choices are succeeded, approved, failed/);
    expect(workflow.stdout + result.stdout).toBe('');
  });

  it('the filters are refused with --engine, whose jobs they do not filter', async () => {
    const repo = await repositoryWithRuns();
    const shown = await status(['--engine', 'redis://127.0.0.1:1', '--status', 'failed'], repo);
    expect(shown.code).toBe(2);
    expect(shown.stderr).toContain('--status failed: filters');
  });
});
