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

    const { items, refused } = await readSourceFolder(dir);

    expect(refused).toEqual([]);
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

  it('lists files whose name is not an id or whose front matter is broken as invalid, with why; ignores other files', async () => {
    await write({
      'good.md': '# Good',
      'has space.md': '# Spaces',
      'dotted.name.md': '# Dots',
      'x..y.md': '# Two dots',
      'café.md': '# Accent',
      '-rf.md': '# Dash',
      [`${'n'.repeat(70)}.md`]: '# Long',
      'broken.md': '---\ntitle: [unclosed\n---\n',
      'list.md': '---\n- just\n- a list\n---\n',
      'badlabels.md': '---\nlabels: {a: 1}\n---\n',
      'notes.txt': 'not markdown',
    });
    await mkdir(join(dir, 'sub.md'));

    const { items, refused } = await readSourceFolder(dir);

    expect(items.map((item) => item.id)).toEqual(['good']);
    const reasons = Object.fromEntries(refused.map((entry) => [entry.id, entry.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      [
        '-rf.md',
        'badlabels.md',
        'broken.md',
        'café.md',
        'dotted.name.md',
        'has space.md',
        'list.md',
        `${'n'.repeat(70)}.md`,
        'x..y.md',
      ].sort(),
    );
    expect(refused.every((entry) => entry.status === 'invalid' && entry.title === '')).toBe(true);
    expect(reasons['has space.md']).toBe(
      `"has space" is not a valid item id: it contains " " (ids are 1-64 characters of letters, digits, '_' or '-', not starting with '-')`,
    );
    expect(reasons['café.md']).toMatch(/"café" is not a valid item id: it contains "é"/);
    expect(reasons['x..y.md']).toMatch(/"x\.\.y" is not a valid item id: it contains "\."/);
    expect(reasons['-rf.md']).toMatch(/"-rf" is not a valid item id: it starts with '-'/);
    expect(reasons[`${'n'.repeat(70)}.md`]).toMatch(/is 70 characters long \(at most 64\)/);
    expect(reasons['broken.md']).toMatch(/invalid YAML front matter/);
    expect(reasons['list.md']).toMatch(/mapping/);
    expect(reasons['badlabels.md']).toMatch(/labels/);
  });

  it('refuses empty, front-matter-only and binary files as invalid, saying why', async () => {
    await write({ 'good.md': '# Good', 'empty.md': '', 'blank.md': '  \n\n', 'matter.md': '---\ntitle: Only a title\n---\n\n' });
    await writeFile(join(dir, 'nul.md'), Buffer.from([0x23, 0x20, 0x41, 0x00, 0x42]));
    await writeFile(join(dir, 'latin1.md'), Buffer.from('# Caf\xe9\n', 'latin1'));

    const { items, refused } = await readSourceFolder(dir);

    expect(items.map((item) => item.id)).toEqual(['good']);
    expect(refused).toEqual([
      { id: 'blank.md', title: '', status: 'invalid', reason: 'the file is empty: there is nothing to draft from' },
      { id: 'empty.md', title: '', status: 'invalid', reason: 'the file is empty: there is nothing to draft from' },
      { id: 'latin1.md', title: '', status: 'invalid', reason: 'the file is not UTF-8 text (a binary file?), not markdown text' },
      { id: 'matter.md', title: '', status: 'invalid', reason: 'the file holds only front matter: there is nothing to draft from' },
      { id: 'nul.md', title: '', status: 'invalid', reason: 'the file is binary (it holds NUL bytes), not markdown text' },
    ]);
  });

  it('refuses an item above the size limit as failed, naming the file, without reading it', async () => {
    await write({ 'small.md': '# Small\n\nfits', 'big.md': `# Big\n\n${'x'.repeat(3000)}` });
    const { items, refused } = await readSourceFolder(dir, { maxItemBytes: 2048 });
    expect(items.map((item) => item.id)).toEqual(['small']);
    expect(refused).toEqual([
      {
        id: 'big',
        title: 'big',
        status: 'failed',
        reason: `${join(dir, 'big.md')} is 2.9 KB, above the item size limit of 2 KB (--max-item-size <kb> raises it)`,
      },
    ]);
    // Explicitly selected, it is refused the same way: the others still run.
    const selected = await readSourceFolder(dir, { ids: ['big', 'small'], maxItemBytes: 2048 });
    expect(selected.items.map((item) => item.id)).toEqual(['small']);
    expect(selected.refused.map((entry) => [entry.id, entry.status])).toEqual([['big', 'failed']]);
    expect((await readSourceFolder(dir)).items.map((item) => item.id)).toEqual(['big', 'small']);
  });

  it.each([
    [{ '7.md': '# seven', '007.md': '# double-oh seven' }, /007\.md and 7\.md .*the same number: both become LLD-007\.md/],
    [{ 'Login.md': '# Login', 'login.md': '# login' }, /Login\.md and login\.md .*differ only in letter case/],
  ])('two files of one item are a UsageError naming both, whatever is selected', async (files, message) => {
    await write({ ...files, 'other.md': '# Other' });
    await expect(readSourceFolder(dir)).rejects.toThrow(UsageError);
    await expect(readSourceFolder(dir)).rejects.toThrow(message);
    await expect(readSourceFolder(dir, { ids: ['other'] })).rejects.toThrow(message);
  });

  it('derives ids from slugs when asked; two files of one slug are a UsageError naming both', async () => {
    await write({ 'Dark Mode!.md': '# Dark', 'csv-export.md': '# CSV', 'café.md': '# Café' });
    const { items, refused } = await readSourceFolder(dir, { slugNames: true });
    expect(items.map((item) => [item.id, item.title])).toEqual([
      ['cafe', 'Café'],
      ['csv-export', 'CSV'],
      ['dark-mode', 'Dark'],
    ]);
    expect(refused).toEqual([]);
    await write({ 'dark mode.md': '# Other dark' });
    await expect(readSourceFolder(dir, { slugNames: true })).rejects.toThrow(
      `two files in ${dir} are one item: Dark Mode!.md and dark mode.md (both have the id "dark-mode"); rename or remove one`,
    );
  });

  it('returns exactly the requested ids', async () => {
    await write({ '1.md': '# one', '2.md': '# two', '3.md': '# three', 'bad name.md': '# ignored' });
    const { items, refused } = await readSourceFolder(dir, { ids: ['3', '1', '3'] });
    expect(items.map((item) => item.id)).toEqual(['1', '3']);
    expect(refused).toEqual([]);
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

  it('a requested id whose file is empty or binary is a UsageError naming the file', async () => {
    await write({ 'e.md': '' });
    await writeFile(join(dir, 'b.md'), Buffer.from([0x00, 0x01, 0x02]));
    await expect(readSourceFolder(dir, { ids: ['e'] })).rejects.toThrow(/item "e" in .* cannot be read \(e\.md\): the file is empty/);
    await expect(readSourceFolder(dir, { ids: ['b'] })).rejects.toThrow(/item "b" in .* cannot be read \(b\.md\): the file is binary/);
  });

  it('an invalid requested id is a UsageError before any file is read', async () => {
    await expect(readSourceFolder(dir, { ids: ['../x'] })).rejects.toThrow(UsageError);
    await expect(readSourceFolder(dir, { ids: ['../x'] })).rejects.toThrow('"../x"');
    await expect(readSourceFolder(dir, { ids: ['-rf'] })).rejects.toThrow(`invalid item id "-rf"`);
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
