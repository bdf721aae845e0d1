import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { maskCredentials } from './git-error.js';
import { currentHead, GitError, isGitRepository, isLockContention, isWorkingTreeClean, repositoryRoot, resolveRef, runGit } from './git.js';
import { createTemporaryRepository, type TemporaryRepository } from './testing/temporary-repository.js';

let repository: TemporaryRepository;
beforeEach(async () => {
  repository = await createTemporaryRepository();
});
afterEach(async () => {
  await repository.remove();
});

describe('runGit', () => {
  it('returns the output of a successful command', async () => {
    const { stdout } = await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: repository.path });
    expect(stdout.trim()).toBe('main');
  });

  it('rejects with a GitError carrying the command, exit code and stderr', async () => {
    const failure = await runGit(['checkout', 'no-such-branch'], { cwd: repository.path }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitError);
    const gitError = failure as GitError;
    expect(gitError.command).toBe('git checkout no-such-branch');
    expect(gitError.exitCode).not.toBe(0);
    expect(gitError.stderr).toMatch(/no-such-branch/);
    expect(gitError.message).toContain('git checkout no-such-branch failed');
  });

  it('masks credentials embedded in URLs', async () => {
    const failure = await runGit(['ls-remote', 'http://user:s3cret-token@127.0.0.1:9/repo.git'], {
      cwd: repository.path,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitError);
    expect((failure as GitError).message).not.toContain('s3cret-token');
    expect((failure as GitError).command).toBe('git ls-remote http://***@127.0.0.1:9/repo.git');
    expect(maskCredentials('https://x:tok@github.com/a/b')).toBe('https://***@github.com/a/b');
  });

  it('rejects with the abort reason when the signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(runGit(['status'], { cwd: repository.path, signal: controller.signal })).rejects.toBe(reason);
  });

  it('passes input on stdin', async () => {
    const { stdout } = await runGit(['hash-object', '--stdin'], { cwd: repository.path, input: 'hello\n' });
    expect(stdout.trim()).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});

describe('repository queries', () => {
  it('tells git repositories from plain or missing folders', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'lldflow-plain-'));
    try {
      expect(await isGitRepository(repository.path)).toBe(true);
      await mkdir(join(repository.path, 'sub'));
      expect(await isGitRepository(join(repository.path, 'sub'))).toBe(true);
      expect(await isGitRepository(plain)).toBe(false);
      expect(await isGitRepository(join(plain, 'missing'))).toBe(false);
      await expect(repositoryRoot(plain)).rejects.toBeInstanceOf(ConfigurationError);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });

  it('finds the repository root from a subfolder', async () => {
    await mkdir(join(repository.path, 'a', 'b'), { recursive: true });
    expect(await repositoryRoot(join(repository.path, 'a', 'b'))).toBe(repository.path);
  });

  it('reports the working tree clean except for changes, ignoring untracked .lldflow state', async () => {
    expect(await isWorkingTreeClean(repository.path)).toBe(true);
    await mkdir(join(repository.path, '.lldflow', 'logs'), { recursive: true });
    await writeFile(join(repository.path, '.lldflow', 'logs', 'x.log'), 'log');
    expect(await isWorkingTreeClean(repository.path)).toBe(true);

    await writeFile(join(repository.path, 'new.txt'), 'new');
    expect(await isWorkingTreeClean(repository.path)).toBe(false);
    await rm(join(repository.path, 'new.txt'));
    expect(await isWorkingTreeClean(repository.path)).toBe(true);

    await writeFile(join(repository.path, 'README.md'), 'changed\n');
    expect(await isWorkingTreeClean(repository.path)).toBe(false);
    await repository.git('checkout', '--', 'README.md');

    await repository.git('mv', 'README.md', 'MOVED.md');
    expect(await isWorkingTreeClean(repository.path)).toBe(false);
  });

  it('resolves HEAD and refs to commit shas', async () => {
    const head = await currentHead(repository.path);
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(head).toBe(await repository.git('rev-parse', 'HEAD'));
    expect(await resolveRef(repository.path, 'main')).toBe(head);
    await repository.git('tag', 'v1');
    expect(await resolveRef(repository.path, 'v1')).toBe(head);
  });

  it('names an unknown ref in a ConfigurationError', async () => {
    const failure = await resolveRef(repository.path, 'does-not-exist').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).toContain('"does-not-exist"');
    await expect(resolveRef(repository.path, '--all')).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('runGit and lock files another git holds', () => {
  it('tries the command again until the other git lets go of index.lock', async () => {
    await writeFile(join(repository.path, 'README.md'), '# changed\n');
    const lockFile = join(repository.path, '.git', 'index.lock');
    await writeFile(lockFile, '');
    const startedAt = Date.now();
    setTimeout(() => void rm(lockFile, { force: true }), 300);
    await runGit(['add', 'README.md'], { cwd: repository.path });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    expect(await repository.git('diff', '--cached', '--name-only')).toBe('README.md');
  });

  it("gives up after a few seconds on a lock that stays, with git's own message", async () => {
    await writeFile(join(repository.path, 'README.md'), '# changed\n');
    await writeFile(join(repository.path, '.git', 'index.lock'), '');
    const startedAt = Date.now();
    const failure = await runGit(['add', 'README.md'], { cwd: repository.path }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitError);
    expect((failure as GitError).stderr).toMatch(/index\.lock': File exists/);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3000);
  });

  it('stops retrying when its signal aborts', async () => {
    await writeFile(join(repository.path, '.git', 'index.lock'), '');
    await writeFile(join(repository.path, 'README.md'), '# changed\n');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 200);
    await expect(runGit(['add', 'README.md'], { cwd: repository.path, signal: controller.signal })).rejects.toThrow('stop');
  });

  it('takes ref and config locks for contention, and no other failure', () => {
    const refLock = "error: cannot lock ref 'refs/heads/b': Unable to create '/r/.git/refs/heads/b.lock': File exists.";
    expect(isLockContention(new GitError(['branch', 'b'], 128, refLock))).toBe(true);
    expect(isLockContention(new GitError(['config', 'a.b', 'c'], 255, 'error: could not lock config file .git/config: File exists'))).toBe(
      true,
    );
    expect(isLockContention(new GitError(['branch', 'b'], 128, "fatal: a branch named 'b' already exists"))).toBe(false);
    expect(isLockContention(new Error("Unable to create '/r/.git/index.lock': File exists."))).toBe(false);
  });
});
