import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { lldflowPackage } from './lldflow-package.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'lldflow-package-'));
  folders.push(folder);
  return folder;
}

describe('lldflowPackage', () => {
  it("finds this checkout's package.json and its version", () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(lldflowPackage()).toEqual({ root, version: manifest.version });
  });

  it('walks up past other packages to the one named lldflow', () => {
    const folder = temporaryFolder();
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'lldflow', version: '9.8.7' }));
    const nested = join(folder, 'node_modules', 'other', 'dist');
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(folder, 'node_modules', 'other', 'package.json'), JSON.stringify({ name: 'other', version: '1.0.0' }));
    expect(lldflowPackage(nested)).toEqual({ root: folder, version: '9.8.7' });
  });

  it('names the folder it searched from when there is no lldflow package', () => {
    const folder = temporaryFolder();
    expect(() => lldflowPackage(folder)).toThrow(/cannot find the lldflow package/);
  });
});
