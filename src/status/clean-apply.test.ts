import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileItemLeases, type ItemLeases } from '../checkpoints/item-lease.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../git/testing/temporary-repository.js';
import { applyClean } from './clean-apply.js';
import type { CleanEntry } from './clean-entry.js';

const WORKTREE: CleanEntry = { target: 'worktree', path: '.lldflow/worktrees/1', workflow: 'implement', id: '1', what: 'worktree' };

function repositoryWithWorktree(): string {
  const { repo } = temporaryRepository([]);
  execFileSync('git', ['worktree', 'add', '-q', '-b', '1-implementation', join(repo, WORKTREE.path)], {
    cwd: repo,
    env: { ...process.env, ...ISOLATED_GIT_ENV },
  });
  return repo;
}

describe('applyClean', () => {
  it('keeps an entry whose item a run took after the plan was made, naming that run', async () => {
    const { repo } = temporaryRepository([]);
    mkdirSync(join(repo, '.lldflow', 'checkpoints'), { recursive: true });
    writeFileSync(join(repo, '.lldflow', 'checkpoints', 'lld-1.sqlite'), 'x');
    const taken: ItemLeases = {
      acquire: () =>
        Promise.resolve({ kind: 'held', holder: { pid: 42, hostname: 'elsewhere', startedAt: '2026-01-01T00:00:00.000Z', runId: 'r2' } }),
    };
    const entry: CleanEntry = { target: 'checkpoint', path: '.lldflow/checkpoints/lld-1.sqlite', workflow: 'lld', id: '1', what: 'stale' };
    const [outcome] = await applyClean([entry], { repo, leases: taken });
    expect(outcome).toMatchObject({ outcome: 'kept', note: expect.stringContaining('held by another lldflow run (pid 42 on elsewhere') });
    expect(existsSync(join(repo, entry.path))).toBe(true);
  });

  it('looks at a worktree again under its lease: one changed since the plan is kept', async () => {
    const repo = repositoryWithWorktree();
    writeFileSync(join(repo, WORKTREE.path, 'README.md'), 'changed after the plan\n');
    const [outcome] = await applyClean([WORKTREE], { repo, leases: new FileItemLeases(repo, { runId: 'lldflow clean' }) });
    expect(outcome).toMatchObject({ outcome: 'kept', note: 'uncommitted changes since it was looked at: README.md' });
    expect(existsSync(join(repo, WORKTREE.path, 'README.md'))).toBe(true);
  });

  it('removes a clean worktree and keeps its branch; an entry the plan keeps is left alone', async () => {
    const repo = repositoryWithWorktree();
    const kept: CleanEntry = { target: 'file', path: 'README.md', workflow: null, id: null, what: 'x', keep: 'because' };
    const outcomes = await applyClean([WORKTREE, kept], { repo, leases: new FileItemLeases(repo, { runId: 'lldflow clean' }) });
    expect(outcomes.map((outcome) => [outcome.path, outcome.outcome, outcome.note])).toEqual([
      [WORKTREE.path, 'removed', undefined],
      ['README.md', 'kept', 'because'],
    ]);
    expect(existsSync(join(repo, WORKTREE.path))).toBe(false);
    expect(existsSync(join(repo, 'README.md'))).toBe(true);
    const branches = execFileSync('git', ['branch', '--list', '1-implementation'], { cwd: repo, encoding: 'utf8' });
    expect(branches.trim()).toBe('1-implementation');
  });
});
