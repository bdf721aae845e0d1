import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh git repository with one commit, and a folder of `<id>.md` items beside it. */
export function temporaryRepository(itemIds: string[], files: Record<string, string> = { 'README.md': '# Example\n', 'src/index.js': 'export {};\n' }): { repo: string; items: string } {
  const base = mkdtempSync(join(tmpdir(), 'lldflow-e2e-'));
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
