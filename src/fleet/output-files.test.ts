import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectOutputFiles, writeOutputFiles } from './output-files.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'lldflow-outputs-'));
  folders.push(path);
  return path;
}

describe('a fleet item’s output files', () => {
  it('are collected from the scratch repository without lldflow’s local state, and written into the submitter’s', async () => {
    const scratch = folder();
    mkdirSync(join(scratch, 'docs', 'lld', 'active'), { recursive: true });
    mkdirSync(join(scratch, 'docs', 'lineage', 'active', '7-lld', 'run'), { recursive: true });
    mkdirSync(join(scratch, '.lldflow', 'logs'), { recursive: true });
    writeFileSync(join(scratch, 'docs', 'lld', 'active', 'LLD-007.md'), '# 7\n');
    writeFileSync(join(scratch, 'docs', 'lineage', 'active', '7-lld', 'run', '001-issue.md'), 'issue\n');
    writeFileSync(join(scratch, '.lldflow', 'logs', '7.log'), 'log\n');
    const files = await collectOutputFiles(scratch);
    expect(files.map((file) => file.path)).toEqual(['docs/lineage/active/7-lld/run/001-issue.md', 'docs/lld/active/LLD-007.md']);

    const repo = folder();
    expect(await writeOutputFiles(repo, files)).toHaveLength(2);
    expect(readFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-007.md'), 'utf8')).toBe('# 7\n');
  });

  it('refuse a path outside the documents folder, nothing written', async () => {
    const repo = folder();
    for (const path of ['../escape.md', '/etc/passwd', 'src/index.js', 'docs/../x.md', '.git/hooks/pre-commit']) {
      await expect(writeOutputFiles(repo, [{ path, content: 'x' }])).rejects.toThrow(/outside docs\//);
    }
    expect(existsSync(join(repo, 'src'))).toBe(false);
  });
});
