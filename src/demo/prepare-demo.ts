import { execFile } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lldflowPackage } from '../core/lldflow-package.js';
import { repositoryPaths } from '../core/paths.js';
import { worktreePath } from '../git/worktree.js';

const run = promisify(execFile);

export interface DemoFolders {
  /** The temporary copy of the example repository, a fresh git repository. */
  repo: string;
  /** Its backlog: one markdown file per example issue. */
  backlog: string;
  /** The recorded model responses shipped with lldflow. */
  recordings: string;
}

const identity = ['-c', 'user.name=lldflow demo', '-c', 'user.email=demo@lldflow.invalid', '-c', 'commit.gpgsign=false'];

/** Commits the LLDs and their lineage so `implement` starts from a clean working tree. */
export async function commitDesigns(repo: string): Promise<void> {
  await run('git', ['add', repositoryPaths.documents], { cwd: repo });
  await run('git', [...identity, 'commit', '-q', '-m', 'Reviewed designs (lldflow requirements)'], { cwd: repo });
}

/** Runs the example project's own tests on every implementation branch, in its worktree. */
export async function testBranches(repo: string): Promise<Array<{ branch: string; passed: boolean }>> {
  const { stdout } = await run('git', ['branch', '--list', '*-implementation', '--format=%(refname:short)'], { cwd: repo });
  const branches = stdout.split('\n').filter((line) => line.length > 0);
  return Promise.all(
    branches.map(async (branch) => {
      const worktree = worktreePath(repo, branch.replace(/-implementation$/, ''));
      const passed = await run('node', ['--test'], { cwd: worktree }).then(
        () => true,
        () => false,
      );
      return { branch, passed };
    }),
  );
}

/** Copies the example repository to a new temporary folder and makes it a git repository with one commit. */
export async function prepareDemo(): Promise<DemoFolders> {
  const { root } = lldflowPackage();
  const base = await mkdtemp(join(tmpdir(), 'lldflow-demo-'));
  const repo = join(base, 'repo');
  await cp(join(root, 'demo', 'repo'), repo, { recursive: true });
  await run('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  await run('git', ['add', '-A'], { cwd: repo });
  await run('git', [...identity, 'commit', '-q', '-m', 'Example repository for the lldflow demo'], { cwd: repo });
  return { repo, backlog: join(repo, 'backlog'), recordings: join(root, 'demo', 'recordings') };
}
