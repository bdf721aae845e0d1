import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { readSourceFolder, slugify } from './source-folder.js';

describe('readSourceFolder', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lldflow-source-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(files: Record<string, string>): Promise<void> {
    for (const [name, content] of Object.entries(files)) {
      await writeFile(join(dir, name), content);
    }
  }

  it('takes title and labels from front matter, else the first heading, else the id', async () => {
    await write({
      '1.md': '---\ntitle: Add login\nlabels: [auth, "needs design"]\n---\n\n# Heading that is not the title\n\nUsers log in.\n',
      '2.md': 'Intro line\n\n```md\n# not a heading inside a fence\n```\n\n#   Export as CSV  #\n\nBody.\n',
      '3.md': 'No heading at all.\n',
      '4.md': '---\nlabels: ui, dark mode\n---\n# Dark mode\n',
    });

    const { items, skipped } = await readSourceFolder(dir);

    expect(skipped).toEqual([]);
    expect(items).toEqual([
      {
        id: '1',
        title: 'Add login',
        body: '# Heading that is not the title\n\nUsers log in.',
        labels: ['auth', 'needs design'],
        path: join(dir, '1.md'),
      },
      {
        id: '2',
        title: 'Export as CSV',
        body: 'Intro line\n\n```md\n# not a heading inside a fence\n```\n\n#   Export as CSV  #\n\nBody.',
        labels: [],
        path: join(dir, '2.md'),
      },
      { id: '3', title: '3', body: 'No heading at all.', labels: [], path: join(dir, '3.md') },
      { id: '4', title: 'Dark mode', body: '# Dark mode', labels: ['ui', 'dark mode'], path: join(dir, '4.md') },
    ]);
  });

  it('handles CRLF, a byte-order mark and empty front matter', async () => {
    await write({ 'crlf.md': '\uFEFF---\r\ntitle: Windows file\r\n---\r\nBody\r\n', 'empty.md': '---\n---\n# Empty matter\n' });
    const { items } = await readSourceFolder(dir);
    expect(items.map((item) => [item.id, item.title, item.body])).toEqual([
      ['crlf', 'Windows file', 'Body'],
      ['empty', 'Empty matter', '# Empty matter'],
    ]);
  });

  it('sorts numeric ids numerically', async () => {
    await write({ '10.md': '# ten', '9.md': '# nine', '100.md': '# hundred', 'alpha.md': '# alpha' });
    const { items } = await readSourceFolder(dir);
    expect(items.map((item) => item.id)).toEqual(['9', '10', '100', 'alpha']);
  });

  it('skips and reports files whose name is not an id or whose front matter is broken; ignores other files', async () => {
    await write({
      'good.md': '# Good',
      'has space.md': '# Spaces',
      'dotted.name.md': '# Dots',
      'broken.md': '---\ntitle: [unclosed\n---\n',
      'list.md': '---\n- just\n- a list\n---\n',
      'badlabels.md': '---\nlabels: {a: 1}\n---\n',
      'notes.txt': 'not markdown',
    });
    await mkdir(join(dir, 'sub.md'));

    const { items, skipped } = await readSourceFolder(dir);

    expect(items.map((item) => item.id)).toEqual(['good']);
    expect(skipped.map((entry) => entry.file)).toEqual(['badlabels.md', 'broken.md', 'dotted.name.md', 'has space.md', 'list.md']);
    expect(skipped.find((entry) => entry.file === 'has space.md')?.reason).toMatch(/not a valid item id/);
    expect(skipped.find((entry) => entry.file === 'broken.md')?.reason).toMatch(/invalid YAML front matter/);
    expect(skipped.find((entry) => entry.file === 'list.md')?.reason).toMatch(/mapping/);
    expect(skipped.find((entry) => entry.file === 'badlabels.md')?.reason).toMatch(/labels/);
  });

  it('derives ids from slugs when asked, reporting collisions', async () => {
    await write({ 'Dark Mode!.md': '# Dark', 'dark mode.md': '# Other dark', 'csv-export.md': '# CSV' });
    const { items, skipped } = await readSourceFolder(dir, { slugNames: true });
    expect(items.map((item) => [item.id, item.title])).toEqual([
      ['csv-export', 'CSV'],
      ['dark-mode', 'Dark'],
    ]);
    expect(skipped).toEqual([{ file: 'dark mode.md', reason: 'its id "dark-mode" is already used by Dark Mode!.md' }]);
  });

  it('returns exactly the requested ids', async () => {
    await write({ '1.md': '# one', '2.md': '# two', '3.md': '# three', 'bad name.md': '# ignored' });
    const { items, skipped } = await readSourceFolder(dir, { ids: ['3', '1', '3'] });
    expect(items.map((item) => item.id)).toEqual(['1', '3']);
    expect(skipped).toEqual([]);
  });

  it('an unknown requested id is a UsageError naming the id and the folder', async () => {
    await write({ '1.md': '# one' });
    const failure = readSourceFolder(dir, { ids: ['1', '404'] });
    await expect(failure).rejects.toThrow(UsageError);
    await expect(readSourceFolder(dir, { ids: ['404'] })).rejects.toThrow(/"404".*in .*lldflow-source-/);
  });

  it('a requested id whose file is broken is a UsageError with the reason', async () => {
    await write({ '5.md': '---\ntitle: [unclosed\n---\n' });
    await expect(readSourceFolder(dir, { ids: ['5'] })).rejects.toThrow(/item "5".*5\.md.*invalid YAML/);
  });

  it('an invalid requested id is a UsageError before any file is read', async () => {
    await expect(readSourceFolder(dir, { ids: ['../x'] })).rejects.toThrow(UsageError);
    await expect(readSourceFolder(dir, { ids: ['../x'] })).rejects.toThrow('"../x"');
  });

  it('a missing folder is a ConfigurationError naming it', async () => {
    const missing = join(dir, 'nope');
    await expect(readSourceFolder(missing)).rejects.toThrow(ConfigurationError);
    await expect(readSourceFolder(missing)).rejects.toThrow(missing);
    await write({ 'file.md': '' });
    await expect(readSourceFolder(join(dir, 'file.md'))).rejects.toThrow(ConfigurationError);
  });
});

describe('slugify', () => {
  it.each([
    ['Add dark mode', 'add-dark-mode'],
    ['  Export: CSV & JSON!  ', 'export-csv-json'],
    ['Crème brûlée über Ångström', 'creme-brulee-uber-angstrom'],
    ['already-a-slug_no', 'already-a-slug-no'],
    ['../../etc/passwd', 'etc-passwd'],
    ['!!!', 'untitled'],
    ['', 'untitled'],
  ])('%j → %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('keeps at most 64 characters and never ends in a dash', () => {
    const slug = slugify('abc '.repeat(20));
    expect(slug).toBe(`${'abc-'.repeat(15)}abc`);
    expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(slugify('a'.repeat(100))).toBe('a'.repeat(64));
  });
});
