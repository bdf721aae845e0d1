import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FileWriteError, findTemporaries, removeStaleTemporaries, writeFileAtomic } from './atomic-write.js';
import { bindReadOnly, MountSet, mountTmpfs } from './testing/mounts.js';

const folders: string[] = [];
const mounts = new MountSet();

afterEach(() => {
  mounts.unmountAll();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const made = mkdtempSync(join(tmpdir(), 'lldflow-atomic-'));
  folders.push(made);
  return made;
}

describe('writeFileAtomic', () => {
  it('writes the whole content, creating the folder, and leaves no temporary file', async () => {
    const root = folder();
    const path = join(root, 'a', 'b', 'file.md');
    await writeFileAtomic(path, 'one\n');
    await writeFileAtomic(path, 'two\n');
    expect(readFileSync(path, 'utf8')).toBe('two\n');
    expect(readdirSync(join(root, 'a', 'b'))).toEqual(['file.md']);
  });

  it('on a full disk: a FileWriteError naming the file and ENOSPC, the old content kept, no temporary file', async ({ skip }) => {
    const disk = mounts.use(mountTmpfs(join(folder(), 'disk'), 64), skip);
    if (disk === undefined) return;
    const path = join(disk, 'lineage', '001-issue.md');
    await writeFileAtomic(path, 'small\n');
    const failure = await writeFileAtomic(path, 'x'.repeat(1_000_000)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FileWriteError);
    expect(failure).toMatchObject({ path, code: 'ENOSPC' });
    expect((failure as Error).message).toBe(`could not write ${path}: no space left on device (ENOSPC)`);
    expect(readFileSync(path, 'utf8')).toBe('small\n');
    expect(readdirSync(join(disk, 'lineage'))).toEqual(['001-issue.md']);
  });

  it('in a read-only folder: a FileWriteError naming the file and the errno, nothing left behind', async ({ skip }) => {
    const root = folder();
    const readOnly = mounts.use(bindReadOnly(join(root, 'docs')), skip);
    if (readOnly === undefined) return;
    const path = join(readOnly, 'lineage', 'run', '001-issue.md');
    const failure = await writeFileAtomic(path, 'x').catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'FileWriteError', path, code: 'EROFS' });
    expect((failure as Error).message).toBe(`could not write ${path}: read-only file system (EROFS)`);
    expect(readdirSync(readOnly)).toEqual([]);
  });

  it('removes its temporary file when the rename fails', async () => {
    const root = folder();
    const path = join(root, 'target');
    mkdirSync(join(path, 'inside'), { recursive: true });
    const failure = await writeFileAtomic(path, 'x').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FileWriteError);
    expect((failure as FileWriteError).message).toMatch(new RegExp(`^could not write ${path}: .* \\(E[A-Z]+\\)$`));
    expect(readdirSync(root)).toEqual(['target']);
  });

  it('a process that exits in the middle of a write leaves no temporary file', () => {
    const root = folder();
    const require = createRequire(import.meta.url);
    const tsx = pathToFileURL(require.resolve('tsx')).href;
    const module = pathToFileURL(fileURLToPath(new URL('./atomic-write.ts', import.meta.url))).href;
    // The exit lands while the 64 MB write is in flight (the interrupt deadline, the CLI's final exit).
    const script = `const { writeFileAtomic } = await import(${JSON.stringify(module)});
void writeFileAtomic(${JSON.stringify(join(root, 'big.bin'))}, Buffer.alloc(64 * 1024 * 1024)).catch(() => undefined);
setImmediate(() => process.exit(0));`;
    const child = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '--eval', script], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect(readdirSync(root).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('removeStaleTemporaries', () => {
  it('removes what dead processes, an earlier process with this pid and long-gone writes left; keeps a live writer', () => {
    const root = folder();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const names = {
      dead: `003-draft.md.${deadPid}.1.tmp`,
      ours: `004-verdict.md.${process.pid}.999999.tmp`,
      live: '005-final.md.1.7.tmp',
      liveButOld: '006-approved.json.1.8.tmp',
      unrelated: 'notes.tmp',
      target: '001-issue.md',
    };
    for (const name of Object.values(names)) writeFileSync(join(root, name), 'x');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(join(root, names.liveButOld), hourAgo, hourAgo);

    expect(findTemporaries(root).map((entry) => [entry.path, entry.stale])).toEqual(
      expect.arrayContaining([
        [join(root, names.dead), true],
        [join(root, names.ours), true],
        [join(root, names.live), false],
        [join(root, names.liveButOld), true],
      ]),
    );
    expect(findTemporaries(root).find((entry) => entry.path.endsWith(names.dead))?.target).toBe(join(root, '003-draft.md'));
    expect(removeStaleTemporaries(root).sort()).toEqual([names.dead, names.ours, names.liveButOld].map((name) => join(root, name)).sort());
    expect(readdirSync(root).sort()).toEqual([names.live, names.unrelated, names.target].sort());
    expect(removeStaleTemporaries(join(root, 'missing'))).toEqual([]);
    expect(existsSync(join(root, names.live))).toBe(true);
  });
});
