import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileItemLeases } from '../checkpoints/item-lease.js';
import { SqliteCheckpointStoreFactory } from '../checkpoints/sqlite-store.js';
import { FakeClock } from '../clock/testing/fake-clock.js';
import type { ItemSummary } from '../core/items.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../git/testing/temporary-repository.js';
import { CaptureStream } from '../output/testing/capture-stream.js';
import { saveRunSummary } from '../runs/run-files.js';
import { initialState } from '../workflows/review-loop/state.js';
import { runCli } from './program.js';

/** A process id no process has: that of a child that has exited. */
const DEAD_PID = spawnSync(process.execPath, ['-e', '']).pid;

interface Fixture {
  repo: string;
  git: (...args: string[]) => string;
  path: (relative: string) => string;
}

/**
 * A repository with one of each kind of left-over state, and implement worktrees: 1 finished and clean,
 * 2 finished with changes, 3 blocked, 4 finished but held by a live run.
 */
async function fixture(): Promise<Fixture> {
  const { repo } = temporaryRepository([]);
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...ISOLATED_GIT_ENV } });
  const path = (relative: string): string => join(repo, relative);
  const write = (relative: string, content: string): void => {
    mkdirSync(join(path(relative), '..'), { recursive: true });
    writeFileSync(path(relative), content);
  };
  for (const id of ['1', '2', '3', '4']) git('worktree', 'add', '-q', '-b', `${id}-implementation`, path(`.lldflow/worktrees/${id}`));
  write('.lldflow/worktrees/2/README.md', '# changed\n');
  write('.lldflow/worktrees/2/notes.txt', 'new\n');
  write('.lldflow/agents/1/session.json', '{}');
  const item = (id: string, status: ItemSummary['status']): ItemSummary => ({
    id,
    title: `Item ${id}`,
    status,
    stage: 'done',
    durationMs: 1,
    llmCalls: 1,
    costUsd: 0,
    output: status === 'succeeded' ? `${id}-implementation:docs/reports/active/${id}-implementation-report.md` : null,
    error: null,
  });
  await saveRunSummary(repo, {
    runId: '2025-12-30T00-00-00Z',
    workflow: 'implement',
    startedAt: '2025-12-30T00:00:00.000Z',
    durationMs: 1,
    parallel: 1,
    counts: { succeeded: 3, failed: 0, blocked: 1, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
    items: [item('1', 'succeeded'), item('2', 'succeeded'), item('3', 'blocked'), item('4', 'succeeded')],
    retryCommand: null,
  });

  const checkpoints = new SqliteCheckpointStoreFactory(repo);
  const loop = (id: string, stage: 'done' | 'review', output?: string) => ({
    ...initialState('2025-12-30T00-00-00Z', '2025-12-30T00:00:00.000Z'),
    stage,
    lineage: [
      { number: 1, name: 'issue.md', content: 'x' },
      { number: 2, name: 'draft.md', content: 'x' },
    ],
    ...(output ? { output, outcome: { status: 'approved' as const } } : {}),
  });
  // 10: finished, its design and lineage on disk. 11: finished, its design never published. 12: approved design, old checkpoint.
  // 13: finished and published, its lineage cut short.
  for (const [id, stage, output] of [
    ['10', 'done', 'docs/lld/active/LLD-010.md'],
    ['11', 'done', 'docs/lld/active/LLD-011.md'],
    ['12', 'review', undefined],
    ['13', 'done', 'docs/lld/active/LLD-013.md'],
  ] as const) {
    const store = await checkpoints.open('lld', id);
    await store.commit({ stage, state: loop(id, stage, output) });
    await store.close();
  }
  write('docs/lld/active/LLD-010.md', '# 10 - Ten\n\n* **Status:** Approved\n');
  write('docs/lld/active/LLD-012.md', '# 12 - Twelve\n\n* **Status:** Approved\n');
  write('docs/lld/active/LLD-013.md', '# 13 - Thirteen\n\n* **Status:** Approved\n');
  write('docs/lineage/active/13-lld/2025-12-30T00-00-00Z/001-issue.md', 'x\n');
  for (const id of ['10', '11']) {
    write(`docs/lineage/active/${id}-lld/2025-12-30T00-00-00Z/001-issue.md`, 'x\n');
    write(`docs/lineage/active/${id}-lld/2025-12-30T00-00-00Z/002-draft.md`, 'x\n');
  }
  write(`.lldflow/runs/2025-12-30T00-00-00Z.json.${DEAD_PID}.1.tmp`, '{"half');
  write('.lldflow/runs/2025-12-29T00-00-00Z.json', '{"runId": "cut');
  write('.lldflow/checkpoints/lld-5.sqlite.corrupt-2025-12-31T00-00-00Z', 'garbage');
  write('.lldflow/checkpoints/lld-6.sqlite.corrupt-2025-11-01T00-00-00Z', 'garbage');
  write(
    '.lldflow/leases/lld-9.holder.json',
    JSON.stringify({ pid: DEAD_PID, hostname: hostname(), startedAt: '2025-12-30T00:00:00.000Z', runId: '2025-12-30T00-00-00Z' }),
  );
  return { repo, git, path };
}

async function clean(args: string[], repo: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new CaptureStream();
  const stderr = new CaptureStream();
  const code = await runCli(['clean', '--repo', repo, ...args], {
    cwd: repo,
    env: {},
    stdout,
    stderr,
    clock: new FakeClock(Date.UTC(2026, 0, 1)),
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const REMOVED = [
  '.lldflow/checkpoints/lld-10.sqlite',
  '.lldflow/checkpoints/lld-12.sqlite',
  '.lldflow/checkpoints/lld-6.sqlite.corrupt-2025-11-01T00-00-00Z',
  `.lldflow/runs/2025-12-30T00-00-00Z.json.${DEAD_PID}.1.tmp`,
  '.lldflow/runs/2025-12-29T00-00-00Z.json',
  '.lldflow/leases/lld-9.holder.json',
];
const KEPT = [
  '.lldflow/checkpoints/lld-11.sqlite',
  '.lldflow/checkpoints/lld-13.sqlite',
  '.lldflow/checkpoints/lld-5.sqlite.corrupt-2025-12-31T00-00-00Z',
];

describe('lldflow clean', () => {
  it('--dry-run lists what would go and what stays, and removes nothing', async () => {
    const { repo, path } = await fixture();
    const shown = await clean(['--dry-run', '--worktrees'], repo);
    expect(shown.code, shown.stderr).toBe(0);
    const line = (target: string): string =>
      shown.stdout.split('\n').find((entry) => entry.includes(` ${target}`)) ?? `(no line for ${target})`;
    for (const target of [...REMOVED, '.lldflow/worktrees/1 ', '.lldflow/agents/1']) expect(line(target)).toMatch(/^would remove/);
    for (const target of [...KEPT, '.lldflow/worktrees/2', '.lldflow/worktrees/3']) expect(line(target)).toMatch(/^kept/);
    expect(shown.stdout).toMatch(/\(dry run: nothing removed\)$/m);
    for (const target of [...REMOVED, ...KEPT, '.lldflow/worktrees/1', '.lldflow/agents/1'])
      expect(existsSync(path(target)), target).toBe(true);
  });

  it('removes stale state and finished, clean worktrees (their branches stay); keeps a dirty one, an unfinished one and a held one, saying why', async () => {
    const { repo, git, path } = await fixture();
    const held = await new FileItemLeases(repo, { runId: '2026-01-01T00-00-00Z' }).acquire('implement', '4');
    if (held.kind !== 'leased') throw new Error('the lease should be free');
    try {
      const done = await clean(['--worktrees'], repo);
      expect(done.code, done.stdout + done.stderr).toBe(0);
      const line = (target: string): string =>
        done.stdout.split('\n').find((entry) => entry.includes(` ${target}`)) ?? `(no line for ${target})`;
      for (const target of REMOVED) {
        expect(line(target)).toMatch(/^removed/);
        expect(existsSync(path(target)), target).toBe(false);
      }
      for (const target of KEPT) expect(existsSync(path(target)), target).toBe(true);
      expect(line('.lldflow/checkpoints/lld-11.sqlite')).toContain('its design is not published');
      expect(line('.lldflow/checkpoints/lld-13.sqlite')).toContain('its lineage is not all written');
      expect(line('.lldflow/checkpoints/lld-5.sqlite')).toContain('moved aside 1 day ago; kept 7 days');

      expect(line('.lldflow/worktrees/1 ')).toMatch(
        /^removed\s+\.lldflow\/worktrees\/1 \(implement 1\): worktree of branch 1-implementation$/,
      );
      expect(existsSync(path('.lldflow/worktrees/1'))).toBe(false);
      expect(existsSync(path('.lldflow/agents/1'))).toBe(false);
      expect(git('branch', '--list', '1-implementation').trim()).toBe('1-implementation');
      expect(git('worktree', 'list')).not.toContain('worktrees/1 ');

      expect(line('.lldflow/worktrees/2')).toMatch(/^kept .*uncommitted changes: README\.md, notes\.txt$/);
      expect(line('.lldflow/worktrees/3')).toMatch(/^kept .*the implementation is not finished \(its last result is blocked/);
      expect(line('.lldflow/worktrees/4')).toMatch(/^kept .*an lldflow run works in it \(pid \d+, run 2026-01-01T00-00-00Z\)/);
      for (const id of ['2', '3', '4']) expect(existsSync(path(`.lldflow/worktrees/${id}/README.md`)), id).toBe(true);
      expect(done.stdout).toMatch(/^8 removed, 6 kept$/m);
    } finally {
      held.lease.release();
    }
  });

  it('without --worktrees leaves every worktree and says how many finished ones it could remove', async () => {
    const { repo, path } = await fixture();
    const done = await clean([], repo);
    expect(done.code).toBe(0);
    expect(done.stdout).not.toContain('.lldflow/worktrees/');
    expect(done.stdout).toContain('2 worktrees of finished implementations left: `lldflow clean --worktrees` removes them (branches stay)');
    for (const id of ['1', '2', '3', '4']) expect(existsSync(path(`.lldflow/worktrees/${id}`))).toBe(true);
    const again = await clean([], repo);
    expect(again.stdout.split('\n')[0]).toMatch(/^kept/);
  });

  it('a repository with nothing left over: nothing to clean', async () => {
    const { repo } = temporaryRepository([]);
    const done = await clean([], repo);
    expect(done).toEqual({ code: 0, stdout: 'nothing to clean\n', stderr: '' });
  });
});
