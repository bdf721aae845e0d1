import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileItemLeases } from '../checkpoints/item-lease.js';
import { FakeClock, flushPromises } from '../clock/testing/fake-clock.js';
import type { RunSummary, WorkflowName } from '../core/items.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { temporaryRepository } from '../git/testing/temporary-repository.js';
import { CaptureStream } from '../output/testing/capture-stream.js';
import { saveRunSummary } from '../runs/run-files.js';
import { runCli } from './program.js';

function writeLog(repo: string, runId: string, id: string, text: string): string {
  const path = inRepository(repo, repositoryPaths.log(runId, id));
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function summary(runId: string, workflow: WorkflowName): RunSummary {
  return {
    runId,
    workflow,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    parallel: 1,
    counts: { succeeded: 1, failed: 0, blocked: 0, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
    items: [],
    retryCommand: null,
  };
}

function logs(args: string[], repo: string, options: { clock?: FakeClock; signal?: AbortSignal } = {}) {
  const stdout = new CaptureStream();
  const stderr = new CaptureStream();
  const code = runCli(['logs', '--repo', repo, ...args], {
    cwd: repo,
    env: {},
    stdout,
    stderr,
    clock: options.clock ?? new FakeClock(),
    signal: options.signal ?? new AbortController().signal,
  });
  return { code, stdout, stderr };
}

/** Lets the command run until it waits for its next look at the file (a clock sleep). */
async function untilFollowing(clock: FakeClock): Promise<void> {
  for (let round = 0; round < 1000 && clock.pendingSleeps === 0; round++) await flushPromises(1);
}

describe('lldflow logs', () => {
  it("prints the item's log of the latest run that has one; --workflow picks that workflow's latest", async () => {
    const { repo } = temporaryRepository([]);
    writeLog(repo, '2026-01-01T00-00-00Z', '7', 'design of 7\n');
    await saveRunSummary(repo, summary('2026-01-01T00-00-00Z', 'lld'));
    const implementLog = writeLog(repo, '2026-01-02T00-00-00Z', '7', 'implementation of 7\n');
    await saveRunSummary(repo, summary('2026-01-02T00-00-00Z', 'implement'));
    // A later run without item 7.
    writeLog(repo, '2026-01-03T00-00-00Z', '8', 'other\n');

    const latest = logs(['7'], repo);
    expect(await latest.code).toBe(0);
    expect(latest.stdout.text).toBe('implementation of 7\n');
    expect(latest.stderr.text).toBe(`implement run 2026-01-02T00-00-00Z: ${implementLog}\n`);

    const design = logs(['7', '--workflow', 'lld'], repo);
    expect(await design.code).toBe(0);
    expect(design.stdout.text).toBe('design of 7\n');

    // -f on a run that has ended prints the log and returns at once.
    const followed = logs(['7', '-f'], repo);
    expect(await followed.code).toBe(0);
    expect(followed.stdout.text).toBe('implementation of 7\n');
  });

  it('an item with no log is an error naming it (exit 2); so is an id that cannot be one', async () => {
    const { repo } = temporaryRepository([]);
    writeLog(repo, '2026-01-01T00-00-00Z', '7', 'x\n');
    await saveRunSummary(repo, summary('2026-01-01T00-00-00Z', 'lld'));
    const missing = logs(['12'], repo);
    expect(await missing.code).toBe(2);
    expect(missing.stderr.text).toMatch(/^lldflow: no log of item 12 in .*: no run has one yet/);
    const otherWorkflow = logs(['7', '--workflow', 'implement'], repo);
    expect(await otherWorkflow.code).toBe(2);
    expect(otherWorkflow.stderr.text).toContain('no log of item 7');
    expect(otherWorkflow.stderr.text).toContain('no run of the implement workflow has one yet');
    const bad = logs(['../7'], repo);
    expect(await bad.code).toBe(2);
    expect(bad.stderr.text).toContain('invalid item id "../7"');
  });

  it('-f follows a running item until its run saves its summary', async () => {
    const { repo } = temporaryRepository([]);
    const runId = '2026-01-01T00-00-00Z';
    const path = writeLog(repo, runId, '7', 'start: Seven\n');
    const attempt = await new FileItemLeases(repo, { runId }).acquire('lld', '7');
    if (attempt.kind !== 'leased') throw new Error('the lease should be free');
    const clock = new FakeClock();
    const followed = logs(['7', '-f'], repo, { clock });
    try {
      await untilFollowing(clock);
      expect(followed.stderr.text).toBe(`lld run ${runId} (running): ${path}\n`);
      expect(followed.stdout.text).toBe('start: Seven\n');
      appendFileSync(path, 'stage: draft\n');
      await clock.advance(250);
      expect(followed.stdout.text).toBe('start: Seven\nstage: draft\n');
      appendFileSync(path, 'end: succeeded\n');
    } finally {
      attempt.lease.release();
    }
    await saveRunSummary(repo, summary(runId, 'lld'));
    await clock.advance(250);
    expect(await followed.code).toBe(0);
    expect(followed.stdout.text).toBe('start: Seven\nstage: draft\nend: succeeded\n');
    expect(followed.stderr.text).toContain(`run ${runId} ended\n`);
  });

  it('-f ends with Ctrl+C (exit 130)', async () => {
    const { repo } = temporaryRepository([]);
    writeLog(repo, '2026-01-01T00-00-00Z', '7', 'start\n');
    const clock = new FakeClock();
    const controller = new AbortController();
    const followed = logs(['7', '-f'], repo, { clock, signal: controller.signal });
    await untilFollowing(clock);
    controller.abort();
    expect(await followed.code).toBe(130);
    expect(followed.stdout.text).toBe('start\n');
  });
});
