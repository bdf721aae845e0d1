import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RefusedItem } from '../core/items.js';
import { folderCollection, gitHubCollection } from './collect-items.js';
import { FakeGitHubServer } from './testing/fake-github-server.js';

const git = promisify(execFile);

describe('item collections report what will not run', () => {
  let dir: string;
  let server: FakeGitHubServer | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lldflow-collect-'));
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('a folder: invalid files and items above the size limit go to onRefused', async () => {
    await writeFile(join(dir, '1.md'), '# One\n\nBody.');
    await writeFile(join(dir, 'a b.md'), '# Spaces');
    await writeFile(join(dir, 'big.md'), `# Big\n\n${'x'.repeat(2000)}`);
    const refused: RefusedItem[] = [];
    const items = await folderCollection(dir, { maxItemBytes: 1024 }).collect(undefined, (entry) => refused.push(entry));
    expect(items.map((item) => item.id)).toEqual(['1']);
    expect(refused.map((entry) => [entry.id, entry.status])).toEqual([
      ['a b.md', 'invalid'],
      ['big', 'failed'],
    ]);
    expect(refused[1]?.reason).toContain(join(dir, 'big.md'));
  });

  it('GitHub: an issue above the size limit is refused as failed, naming its address; the others are collected', async () => {
    server = await FakeGitHubServer.start();
    server.addIssue({ number: 1, title: 'Small', body: 'fits' });
    server.addIssue({ number: 2, title: 'Huge', body: 'y'.repeat(3000) });
    await git('git', ['init', '--quiet'], { cwd: dir });
    await git('git', ['remote', 'add', 'origin', 'https://github.com/octo/widgets.git'], { cwd: dir });
    const collection = await gitHubCollection({
      repo: dir,
      env: { GITHUB_TOKEN: server.token, GITHUB_API_URL: server.baseUrl },
      signal: new AbortController().signal,
      maxItemBytes: 2048,
    });
    for (const ids of [undefined, ['1', '2']]) {
      const refused: RefusedItem[] = [];
      const items = await collection.collect(ids, (entry) => refused.push(entry));
      expect(items.map((item) => item.id)).toEqual(['1']);
      expect(refused).toEqual([
        {
          id: '2',
          title: 'Huge',
          status: 'failed',
          reason:
            'issue https://github.com/octo/widgets/issues/2 is 2.9 KB, above the item size limit of 2 KB (--max-item-size <kb> raises it)',
        },
      ]);
    }
  });
});
