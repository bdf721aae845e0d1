import { execFile } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { packageRoot } from '../workflows/lld/template.js';

const run = promisify(execFile);

export interface DemoFolders {
  /** The temporary copy of the example repository, a fresh git repository. */
  repo: string;
  /** Its backlog: one markdown file per example issue. */
  backlog: string;
  /** The recorded model responses shipped with lldflow. */
  recordings: string;
}

/** Copies the example repository to a new temporary folder and makes it a git repository with one commit. */
export async function prepareDemo(): Promise<DemoFolders> {
  const root = await packageRoot(dirname(fileURLToPath(import.meta.url)));
  const base = await mkdtemp(join(tmpdir(), 'lldflow-demo-'));
  const repo = join(base, 'repo');
  await cp(join(root, 'demo', 'repo'), repo, { recursive: true });
  const identity = ['-c', 'user.name=lldflow demo', '-c', 'user.email=demo@lldflow.invalid', '-c', 'commit.gpgsign=false'];
  await run('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  await run('git', ['add', '-A'], { cwd: repo });
  await run('git', [...identity, 'commit', '-q', '-m', 'Example repository for the lldflow demo'], { cwd: repo });
  return { repo, backlog: join(repo, 'backlog'), recordings: join(root, 'demo', 'recordings') };
}
