import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineageWriter, withLineage, type LineageEntry } from './lineage.js';

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
  it('writes the entries, numbered, each ending with a newline; a second write adds only the new ones', async () => {
    const folder = lineageFolder();
    const writer = new LineageWriter(folder);
    await writer.write(entries.slice(0, 1));
    expect(readdirSync(folder)).toEqual(['001-issue.md']);
    await writer.write(entries);
    expect(readdirSync(folder).sort()).toEqual(['001-issue.md', '002-draft.md']);
    expect(readFileSync(join(folder, '001-issue.md'), 'utf8')).toBe('# Issue 7\n');
  });

  it('never rewrites a file already on disk (a resumed item completes its folder from the state)', async () => {
    const folder = lineageFolder();
    await new LineageWriter(folder).write(entries.slice(0, 1));
    writeFileSync(join(folder, '001-issue.md'), 'kept as it was\n');
    await new LineageWriter(folder).write(entries);
    expect(readFileSync(join(folder, '001-issue.md'), 'utf8')).toBe('kept as it was\n');
    expect(readFileSync(join(folder, '002-draft.md'), 'utf8')).toBe('# 7 - Feature\n');
  });

  it('redacts what it writes', async () => {
    const folder = lineageFolder();
    await new LineageWriter(folder, (text) => text.replace('sk-secret', 'openai#1')).write([
      { number: 1, name: 'draft.md', content: 'key sk-secret' },
    ]);
    expect(readFileSync(join(folder, '001-draft.md'), 'utf8')).toBe('key openai#1\n');
  });

  it('reports a failed write to its caller', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lineage-'));
    folders.push(root);
    writeFileSync(join(root, 'not-a-folder'), '');
    const writer = new LineageWriter(join(root, 'not-a-folder', 'run-1'));
    await expect(writer.write(entries)).rejects.toThrow(/ENOTDIR/);
  });
});

describe('withLineage', () => {
  it('numbers the new entry after the last one and keeps the rest of the state', () => {
    const state = withLineage({ stage: 'x', lineage: entries }, 'verdict.md', '{}');
    expect(state).toEqual({ stage: 'x', lineage: [...entries, { number: 3, name: 'verdict.md', content: '{}' }] });
  });
});
