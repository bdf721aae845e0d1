import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../git.js';

/**
 * Git configuration outside the test repository is ignored, so the machine's settings (signing, hooks from
 * a global template, aliases) cannot leak in. Add it to the environment of any git, or lldflow, a test starts.
 */
export const ISOLATED_GIT_ENV = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } as const;

/** Initialises the repository, unsigned commits written into its own configuration. */
const INIT_COMMANDS: readonly (readonly string[])[] = [
  ['init', '--quiet', '--initial-branch=main'],
  ['config', 'commit.gpgsign', 'false'],
];

/** The initial commit's identity, given on the command line so the repository's configuration has none. */
const SETUP_IDENTITY = ['-c', 'user.name=Setup', '-c', 'user.email=setup@example.test'] as const;

export interface TemporaryRepository {
  path: string;
  git(...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

/**
 * A fresh repository with a local identity (unless `identity: false`) and one commit (`README.md`) on
 * branch `main`; the caller removes it.
 */
export async function createTemporaryRepository(options: { identity?: boolean } = {}): Promise<TemporaryRepository> {
  const path = await realpath(await mkdtemp(join(tmpdir(), 'lldflow-git-')));
  const git = async (...args: string[]): Promise<string> => (await runGit(args, { cwd: path, env: ISOLATED_GIT_ENV })).stdout.trim();
  for (const command of INIT_COMMANDS) await git(...command);
  if (options.identity !== false) {
    await git('config', 'user.name', 'Test User');
    await git('config', 'user.email', 'test@example.test');
  }
  await writeFile(join(path, 'README.md'), '# test\n');
  await git('add', 'README.md');
  await git(...SETUP_IDENTITY, 'commit', '--quiet', '-m', 'initial');
  return { path, git, remove: () => rm(path, { recursive: true, force: true }) };
}

let parent: string | undefined;

/** One folder for every repository `temporaryRepository` made since the last clean-up. */
function testFolder(): string {
  parent ??= mkdtempSync(join(tmpdir(), 'lldflow-e2e-'));
  return parent;
}

/** Removes every repository `temporaryRepository` made so far (test/support/cleanup.ts calls it after each test file). */
export function removeTemporaryRepositories(): void {
  if (parent !== undefined) rmSync(parent, { recursive: true, force: true });
  parent = undefined;
}

/**
 * A fresh git repository (`<base>/repo`: `files`, one commit on branch `main`, no identity configured) and a
 * folder of `<id>.md` items beside it (`<base>/items`). Synchronous, for end-to-end tests and the bench;
 * removed by `removeTemporaryRepositories`.
 */
export function temporaryRepository(
  itemIds: string[],
  files: Record<string, string> = { 'README.md': '# Example\n', 'src/index.js': 'export {};\n' },
): { repo: string; items: string } {
  const base = mkdtempSync(join(testFolder(), 'case-'));
  const repo = join(base, 'repo');
  mkdirSync(repo);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  const git = (...args: string[]): void =>
    void execFileSync('git', args, { cwd: repo, stdio: 'ignore', env: { ...process.env, ...ISOLATED_GIT_ENV } });
  for (const command of INIT_COMMANDS) git(...command);
  git('add', '-A');
  git(...SETUP_IDENTITY, 'commit', '--quiet', '-m', 'initial');
  const items = join(base, 'items');
  mkdirSync(items);
  for (const id of itemIds)
    writeFileSync(join(items, `${id}.md`), `---\ntitle: Feature ${id}\nlabels: [enhancement]\n---\n\nPlease add feature ${id}.\n`);
  return { repo, items };
}
