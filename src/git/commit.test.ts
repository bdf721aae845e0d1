import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretRedactor } from '../keys/redact.js';
import { runGit } from './git.js';
import { SecretInCommitError } from './secret-in-commit-error.js';
import { createTemporaryRepository, ISOLATED_GIT_ENV, type TemporaryRepository } from './testing/temporary-repository.js';
import { commitAll, ensureWorktree, pushBranch } from './worktree.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function repositoryWith(options: { identity?: boolean } = {}): Promise<TemporaryRepository> {
  const repository = await createTemporaryRepository(options);
  cleanups.push(() => repository.remove());
  return repository;
}

describe('commitAll', () => {
  it('returns undefined when there is nothing to commit', async () => {
    const repository = await repositoryWith();
    const head = await repository.git('rev-parse', 'HEAD');
    expect(await commitAll({ worktree: repository.path, message: 'nothing', env: ISOLATED_GIT_ENV })).toBeUndefined();
    expect(await repository.git('rev-parse', 'HEAD')).toBe(head);
  });

  it('commits new, modified and deleted files with subject and body, returning the sha', async () => {
    const repository = await repositoryWith();
    const worktree = await ensureWorktree({ repo: repository.path, id: '5', baseRef: 'main' });
    await writeFile(join(worktree.path, 'added.ts'), 'export {};\n');
    await rm(join(worktree.path, 'README.md'));

    const sha = await commitAll({ worktree: worktree.path, message: 'Add tests for #5', body: 'Written first.', env: ISOLATED_GIT_ENV });

    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    if (sha === undefined) return;
    expect(await repository.git('rev-parse', '5-implementation')).toBe(sha);
    expect(await repository.git('log', '-1', '--format=%s%n%b', sha)).toBe('Add tests for #5\nWritten first.');
    expect(await repository.git('show', '--name-status', '--format=', sha)).toBe('D\tREADME.md\nA\tadded.ts');
    expect(await repository.git('log', '-1', '--format=%an <%ae>', sha)).toBe('Test User <test@example.test>');
    expect(await repository.git('-C', worktree.path, 'status', '--porcelain')).toBe('');

    await writeFile(join(worktree.path, 'added.ts'), 'export const changed = true;\n');
    const second = await commitAll({ worktree: worktree.path, message: 'Change', env: ISOLATED_GIT_ENV });
    expect(await repository.git('show', '--name-status', '--format=', second!)).toBe('M\tadded.ts');
    // The main checkout is untouched.
    expect(await repository.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
  });

  it('falls back to lldflow <lldflow@localhost> when git has no identity', async () => {
    const repository = await repositoryWith({ identity: false });
    await writeFile(join(repository.path, 'file.txt'), 'x\n');
    const environment = {
      ...ISOLATED_GIT_ENV,
      EMAIL: undefined,
      GIT_AUTHOR_NAME: undefined,
      GIT_AUTHOR_EMAIL: undefined,
      GIT_COMMITTER_NAME: undefined,
      GIT_COMMITTER_EMAIL: undefined,
    };

    const sha = await commitAll({ worktree: repository.path, message: 'fallback', env: environment });

    expect(await repository.git('log', '-1', '--format=%an <%ae>|%cn <%ce>', sha!)).toBe(
      'lldflow <lldflow@localhost>|lldflow <lldflow@localhost>',
    );
  });

  it('lets author and committer from the environment win over the fallback', async () => {
    const repository = await repositoryWith({ identity: false });
    await writeFile(join(repository.path, 'file.txt'), 'x\n');
    const environment = {
      ...ISOLATED_GIT_ENV,
      EMAIL: undefined,
      GIT_AUTHOR_NAME: 'Ada',
      GIT_AUTHOR_EMAIL: 'ada@example.test',
      GIT_COMMITTER_NAME: 'Bot',
      GIT_COMMITTER_EMAIL: 'bot@example.test',
    };

    const sha = await commitAll({ worktree: repository.path, message: 'from env', env: environment });

    expect(await repository.git('log', '-1', '--format=%an <%ae>|%cn <%ce>', sha!)).toBe('Ada <ada@example.test>|Bot <bot@example.test>');
  });
});

describe('commitAll with holdsSecret', () => {
  const KEY = 'sk-live-CONFIGURED0123456789abcdef';
  const holdsSecret = new SecretRedactor([{ value: KEY, name: 'openai#1' }]).holdsKnownSecret;

  async function refusal(commit: Promise<unknown>): Promise<SecretInCommitError> {
    const error = await commit.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(SecretInCommitError);
    return error as SecretInCommitError;
  }

  it('refuses a commit whose staged content holds a configured key: nothing committed, changes unstaged, files named', async () => {
    const repository = await repositoryWith();
    const worktree = await ensureWorktree({ repo: repository.path, id: '9', baseRef: 'main' });
    const head = await repository.git('-C', worktree.path, 'rev-parse', 'HEAD');
    await mkdir(join(worktree.path, 'src'));
    await writeFile(join(worktree.path, 'src', 'config.ts'), `export const apiKey = '${KEY}';\n`);
    await writeFile(join(worktree.path, 'src', 'clean.ts'), 'export const clean = true;\n');
    // Binary content is checked too.
    await writeFile(join(worktree.path, 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(KEY), Buffer.from([0])]));

    const error = await refusal(commitAll({ worktree: worktree.path, message: 'code', env: ISOLATED_GIT_ENV, holdsSecret }));

    expect(error.name).toBe('SecretInCommitError');
    expect(error.files).toEqual(['blob.bin', 'src/config.ts']);
    expect(error.message).toContain('src/config.ts');
    expect(error.message).toContain('blob.bin');
    expect(error.message).not.toContain('src/clean.ts');
    expect(error.message).not.toContain(KEY);
    expect(await repository.git('-C', worktree.path, 'rev-parse', 'HEAD')).toBe(head);
    expect(await repository.git('-C', worktree.path, 'diff', '--cached', '--name-only')).toBe('');
    // Left in the worktree, untracked, for a human to look at.
    expect(await repository.git('-C', worktree.path, 'status', '--porcelain', '--untracked-files=all')).toBe(
      '?? blob.bin\n?? src/clean.ts\n?? src/config.ts',
    );
  });

  it('refuses a modification that adds a key to a tracked file and keeps the file as it is', async () => {
    const repository = await repositoryWith();
    const head = await repository.git('rev-parse', 'HEAD');
    await writeFile(join(repository.path, 'README.md'), `# test\n\nOPENAI_API_KEY=${KEY}\n`);

    const error = await refusal(commitAll({ worktree: repository.path, message: 'docs', env: ISOLATED_GIT_ENV, holdsSecret }));

    expect(error.files).toEqual(['README.md']);
    expect(await repository.git('rev-parse', 'HEAD')).toBe(head);
    expect(await repository.git('status', '--porcelain')).toBe('M README.md');
    expect(await readFile(join(repository.path, 'README.md'), 'utf8')).toContain(KEY);
  });

  it('refuses a commit message that holds a configured key', async () => {
    const repository = await repositoryWith();
    const head = await repository.git('rev-parse', 'HEAD');
    await writeFile(join(repository.path, 'file.txt'), 'x\n');

    const error = await refusal(
      commitAll({ worktree: repository.path, message: 'blocked', body: `Blocked: 401 for ${KEY}`, env: ISOLATED_GIT_ENV, holdsSecret }),
    );

    expect(error.files).toEqual(['the commit message']);
    expect(error.message).not.toContain(KEY);
    expect(await repository.git('rev-parse', 'HEAD')).toBe(head);
  });

  it('commits a file holding only a key-shaped fake, and a change that removes a configured key', async () => {
    const repository = await repositoryWith();
    await writeFile(join(repository.path, 'fixture.test.ts'), "const fake = 'sk-test-0123456789abcdefghijklmnop';\n");
    const sha = await commitAll({ worktree: repository.path, message: 'fixture', env: ISOLATED_GIT_ENV, holdsSecret });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await repository.git('show', '--name-only', '--format=', sha!)).toBe('fixture.test.ts');

    // A key committed earlier (not by a checked commit) may be taken out again.
    await writeFile(join(repository.path, 'leaked.env'), `KEY=${KEY}\n`);
    await commitAll({ worktree: repository.path, message: 'leak', env: ISOLATED_GIT_ENV });
    await rm(join(repository.path, 'leaked.env'));
    const removal = await commitAll({ worktree: repository.path, message: 'remove the key', env: ISOLATED_GIT_ENV, holdsSecret });
    expect(await repository.git('show', '--name-status', '--format=', removal!)).toBe('D\tleaked.env');
  });
});

describe('pushBranch', () => {
  it('pushes the implementation branch to the remote with upstream tracking', async () => {
    const repository = await repositoryWith();
    const remote = await realpath(await mkdtemp(join(tmpdir(), 'lldflow-remote-')));
    cleanups.push(() => rm(remote, { recursive: true, force: true }));
    await runGit(['init', '--quiet', '--bare', remote], { cwd: remote });
    await repository.git('remote', 'add', 'origin', remote);
    const worktree = await ensureWorktree({ repo: repository.path, id: '3', baseRef: 'main' });
    await writeFile(join(worktree.path, 'code.ts'), 'export const x = 1;\n');
    const sha = await commitAll({ worktree: worktree.path, message: 'code', env: ISOLATED_GIT_ENV });

    await pushBranch({ repo: worktree.path, branch: worktree.branch });

    expect((await runGit(['rev-parse', '3-implementation'], { cwd: remote })).stdout.trim()).toBe(sha);
    expect(await repository.git('-C', worktree.path, 'rev-parse', '--abbrev-ref', '@{upstream}')).toBe('origin/3-implementation');
  });

  it('refuses branch names that git would read as options', async () => {
    const repository = await repositoryWith();
    await expect(pushBranch({ repo: repository.path, branch: '--force' })).rejects.toThrow(/invalid branch/);
  });
});
