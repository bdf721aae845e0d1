import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGit } from '../../git/git.js';
import { temporaryRepository } from '../../git/testing/temporary-repository.js';
import type { PlannedFile } from './implement-state.js';
import { describeReverts, disallowedChanges, phasePolicy, restoreBranch, revertChanges, worktreeChanges } from './worktree-governance.js';

const FILES = { 'README.md': '# Example\n', 'src/index.js': 'export {};\n', 'tests/index.test.js': 'old test\n' };

/** A repository where an agent's turn left: a changed README, a new source file, a new test, a changed test, a deleted file. */
async function afterAgentTurn(): Promise<string> {
  const { repo } = temporaryRepository([], FILES);
  writeFileSync(join(repo, 'README.md'), '# Rewritten by the agent\n');
  mkdirSync(join(repo, 'src', 'feature'), { recursive: true });
  writeFileSync(join(repo, 'src', 'feature', 'login.js'), 'export function login() {}\n');
  writeFileSync(join(repo, 'tests', 'login.test.js'), 'new test\n');
  writeFileSync(join(repo, 'tests', 'index.test.js'), 'changed test\n');
  rmSync(join(repo, 'src', 'index.js'));
  // Staged by the agent: still a new file, and still reverted when not allowed.
  writeFileSync(join(repo, 'notes.txt'), 'scratch\n');
  await runGit(['add', 'notes.txt'], { cwd: repo });
  return repo;
}

/** A row of section 2.1. */
function planned(path: string, change: PlannedFile['change']): PlannedFile {
  return { path, change, description: 'from the design' };
}

describe('worktree governance', () => {
  it("reads every change of the agent's turn from git", async () => {
    const repo = await afterAgentTurn();
    const changes = await worktreeChanges(repo);
    expect(changes.sort((left, right) => left.path.localeCompare(right.path))).toEqual([
      { path: 'notes.txt', kind: 'added', tracked: false },
      { path: 'README.md', kind: 'modified', tracked: true },
      { path: 'src/feature/login.js', kind: 'added', tracked: false },
      { path: 'src/index.js', kind: 'deleted', tracked: true },
      { path: 'tests/index.test.js', kind: 'modified', tracked: true },
      { path: 'tests/login.test.js', kind: 'added', tracked: false },
    ]);
  });

  it('in the tests phase keeps only test files, puts everything else back as HEAD has it, and says why', async () => {
    const repo = await afterAgentTurn();
    const disallowed = disallowedChanges(await worktreeChanges(repo), phasePolicy('tests', [], false));
    await revertChanges(repo, disallowed);

    expect((await worktreeChanges(repo)).map((change) => change.path).sort()).toEqual(['tests/index.test.js', 'tests/login.test.js']);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('# Example\n');
    expect(readFileSync(join(repo, 'src', 'index.js'), 'utf8')).toBe('export {};\n');
    expect(existsSync(join(repo, 'src', 'feature', 'login.js'))).toBe(false);
    expect(existsSync(join(repo, 'notes.txt'))).toBe(false);
    const message = describeReverts('tests', disallowed, false)!;
    expect(message).toMatch(/^lldflow reverted 4 changes you made:/);
    expect(message).toContain(
      "- README.md (modified): README.md is not listed in the LLD's section 2.1 Files Changed table and is not a test file",
    );
    expect(message).toContain('only test files may change');
  });

  it("in the code phase keeps section 2.1's files (globs too) and the tests until they are frozen", async () => {
    const repo = await afterAgentTurn();
    const policy = phasePolicy('code', [planned('README.md', 'modify')], false);
    expect(disallowedChanges(await worktreeChanges(repo), policy).map(({ change }) => change.path)).toEqual(
      expect.arrayContaining(['notes.txt', 'src/feature/login.js', 'src/index.js']),
    );
    expect(disallowedChanges(await worktreeChanges(repo), policy).map(({ change }) => change.path)).not.toContain('tests/index.test.js');
  });

  it('puts the branch back where lldflow left it when the agent committed or switched branches, keeping the changes', async () => {
    const { repo } = temporaryRepository([], FILES);
    const expected = (await runGit(['rev-parse', 'HEAD'], { cwd: repo })).stdout.trim();
    const branch = (await runGit(['symbolic-ref', '--short', 'HEAD'], { cwd: repo })).stdout.trim();
    expect(await restoreBranch(repo, branch, expected)).toBe(false);
    await runGit(['checkout', '-q', '-b', 'agent-branch'], { cwd: repo });
    writeFileSync(join(repo, 'README.md'), '# Committed by the agent\n');
    await runGit(['commit', '-q', '-am', 'agent commit'], { cwd: repo });

    expect(await restoreBranch(repo, branch, expected)).toBe(true);
    expect((await runGit(['symbolic-ref', '--short', 'HEAD'], { cwd: repo })).stdout.trim()).toBe(branch);
    expect((await runGit(['rev-parse', 'HEAD'], { cwd: repo })).stdout.trim()).toBe(expected);
    expect(await worktreeChanges(repo)).toEqual([{ path: 'README.md', kind: 'modified', tracked: true }]);
  });

  it('in the code phase with frozen tests keeps only section 2.1 (globs too)', async () => {
    const repo = await afterAgentTurn();
    const policy = phasePolicy(
      'code',
      [planned('README.md', 'modify'), planned('src/index.js', 'delete'), planned('src/feature/*.js', 'add')],
      true,
    );
    const disallowed = disallowedChanges(await worktreeChanges(repo), policy);
    await revertChanges(repo, disallowed);

    expect((await worktreeChanges(repo)).map((change) => change.path).sort()).toEqual([
      'README.md',
      'src/feature/login.js',
      'src/index.js',
    ]);
    expect(readFileSync(join(repo, 'tests', 'index.test.js'), 'utf8')).toBe('old test\n');
    expect(describeReverts('code', disallowed, true)).toContain('the tests are frozen');
    expect(describeReverts('code', [], true)).toBeUndefined();
  });
});
