import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { repositoryPaths } from '../../core/paths.js';
import { listDesigns, readItemDesign, requireOneDesign } from './lld-designs.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function repositoryWith(files: Record<string, string>): string {
  const repo = mkdtempSync(join(tmpdir(), 'lldflow-designs-'));
  folders.push(repo);
  mkdirSync(join(repo, repositoryPaths.lldFolder), { recursive: true });
  for (const [name, title] of Object.entries(files)) {
    writeFileSync(join(repo, repositoryPaths.lldFolder, name), `# ${title}\n\n* **Status:** Approved\n`);
  }
  return repo;
}

describe('readItemDesign', () => {
  it('reads the canonical file, and a hand-named file of the same item when there is no canonical one', async () => {
    const repo = repositoryWith({ 'LLD-042.md': '42 - Feature: Login', 'LLD-7.md': '7 - Feature: Export' });
    expect(await readItemDesign(repo, '42')).toMatchObject({
      id: '42',
      path: `${repositoryPaths.lldFolder}/LLD-042.md`,
      title: 'Feature: Login',
    });
    expect(await readItemDesign(repo, '7')).toMatchObject({
      id: '7',
      path: `${repositoryPaths.lldFolder}/LLD-7.md`,
      title: 'Feature: Export',
    });
    expect(await readItemDesign(repo, '8')).toBeUndefined();
  });

  it('refuses two files of one item, naming both', async () => {
    const repo = repositoryWith({ 'LLD-7.md': '7 - A', 'LLD-007.md': '7 - B' });
    const error = await readItemDesign(repo, '7').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `${repositoryPaths.lldFolder}/LLD-007.md and ${repositoryPaths.lldFolder}/LLD-7.md are both the design of item 7: keep one of them`,
    );
    expect(() => requireOneDesign([])).not.toThrow();
  });
});

describe('listDesigns', () => {
  it('lists every LLD file with the item it is named after', async () => {
    const repo = repositoryWith({ 'LLD-042.md': '42 - X', 'LLD-login.md': 'login - Y', 'notes.md': 'not a design' });
    expect((await listDesigns(repo)).map((design) => design.id).sort()).toEqual(['42', 'login']);
  });
});
