import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineageWriter } from './lineage-writer.js';
import type { LineageEntry } from './state.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function lineageFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'lineage-'));
  folders.push(root);
  return join(root, 'docs', 'lineage', 'active', '7-lld', 'run-1');
}

const entries: LineageEntry[] = [
  { number: 1, name: 'issue.md', content: '# Issue 7' },
  { number: 2, name: 'draft.md', content: '# 7 - Feature\n' },
];

describe('LineageWriter', () => {
  it('queue() writes nothing at once, then writes the entries, numbered, once the current events are handled', async () => {
    const folder = lineageFolder();
    const writer = new LineageWriter(folder);
    writer.queue(entries);
    expect(existsSync(folder)).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(readdirSync(folder).sort()).toEqual(['001-issue.md', '002-draft.md']);
    expect(readFileSync(join(folder, '001-issue.md'), 'utf8')).toBe('# Issue 7\n');
  });

  it('flush() writes what is still queued at once; sync() is queue + flush', async () => {
    const folder = lineageFolder();
    const writer = new LineageWriter(folder);
    writer.queue(entries.slice(0, 1));
    await writer.flush();
    expect(readdirSync(folder)).toEqual(['001-issue.md']);
    await writer.sync(entries);
    expect(readdirSync(folder).sort()).toEqual(['001-issue.md', '002-draft.md']);
  });

  it('never rewrites a file already on disk (a resumed item completes its folder from the state)', async () => {
    const folder = lineageFolder();
    await new LineageWriter(folder).sync(entries.slice(0, 1));
    writeFileSync(join(folder, '001-issue.md'), 'kept as it was\n');
    await new LineageWriter(folder).sync(entries);
    expect(readFileSync(join(folder, '001-issue.md'), 'utf8')).toBe('kept as it was\n');
    expect(readFileSync(join(folder, '002-draft.md'), 'utf8')).toBe('# 7 - Feature\n');
  });

  it('reports a failed write on flush, not as an uncaught error in the background', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lineage-'));
    folders.push(root);
    writeFileSync(join(root, 'not-a-folder'), '');
    const writer = new LineageWriter(join(root, 'not-a-folder', 'run-1'));
    writer.queue(entries);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(writer.flush()).rejects.toThrow(/ENOTDIR/);
  });
});
