import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let parent: string | undefined;

/** One folder for every repository made since the last clean-up. */
function testFolder(): string {
  parent ??= mkdtempSync(join(tmpdir(), 'lldflow-e2e-'));
  return parent;
}

/** Removes every repository made so far (the test setup file calls it after each test file). */
export function removeTemporaryRepositories(): void {
  if (parent !== undefined) rmSync(parent, { recursive: true, force: true });
  parent = undefined;
}

/** A fresh git repository with one commit, and a folder of `<id>.md` items beside it. */
export function temporaryRepository(itemIds: string[], files: Record<string, string> = { 'README.md': '# Example\n', 'src/index.js': 'export {};\n' }): { repo: string; items: string } {
  const base = mkdtempSync(join(testFolder(), 'case-'));
  const repo = join(base, 'repo');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  const git = (...args: string[]): void => void execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  const items = join(base, 'items');
  mkdirSync(items);
  for (const id of itemIds) writeFileSync(join(items, `${id}.md`), `---\ntitle: Feature ${id}\nlabels: [enhancement]\n---\n\nPlease add feature ${id}.\n`);
  return { repo, items };
}
