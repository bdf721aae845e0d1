import { readdir, readFile } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';
import { inRepository, lldIdFromFileName, repositoryPaths } from '../../core/paths.js';
import { lldFinalStatus, type LldFinalStatus } from './lld-status.js';
import { documentTitle } from './sections.js';

/** One design document of the repository, as the LLD workflow reads it. */
export interface Design {
  id: string;
  /** Repository-relative path, as the file is named (a hand-named `LLD-0042.md` stays so). */
  path: string;
  status: LldFinalStatus | undefined;
  /** The title without its item number: `# 42 - Feature: X` → `Feature: X`. */
  title: string;
}

/** Every `LLD-<id>.md` in the designs folder, read; none when the folder does not exist. */
export async function listDesigns(repo: string): Promise<Design[]> {
  const names = await readdir(inRepository(repo, repositoryPaths.lldFolder)).catch(() => [] as string[]);
  const designs = await Promise.all(
    names.map(async (name) => {
      const id = lldIdFromFileName(name);
      if (id === undefined) return undefined;
      const path = `${repositoryPaths.lldFolder}/${name}`;
      return readDesign(repo, id, path);
    }),
  );
  return designs.filter((design): design is Design => design !== undefined);
}

/**
 * The design of one item: at its canonical path, else a hand-named file of the same item (`LLD-7.md`
 * for `LLD-007.md`); undefined when there is none. Two files of one item are a UsageError naming both.
 */
export async function readItemDesign(repo: string, id: string): Promise<Design | undefined> {
  const canonical = await readDesign(repo, id, repositoryPaths.lld(id));
  const others = (await listDesigns(repo)).filter((design) => design.id === id && design.path !== canonical?.path);
  if (canonical) requireOneDesign([canonical, ...others]);
  else if (others.length > 1) requireOneDesign(others);
  return canonical ?? others[0];
}

/** Throws a UsageError when two of `designs` are the design of one item (`LLD-7.md` and `LLD-007.md`). */
export function requireOneDesign(designs: readonly Design[]): void {
  const byId = new Map<string, string[]>();
  for (const design of designs) byId.set(design.id, [...(byId.get(design.id) ?? []), design.path]);
  for (const [id, paths] of byId) {
    if (paths.length < 2) continue;
    throw new UsageError(`${[...paths].sort().join(' and ')} are both the design of item ${id}: keep one of them`);
  }
}

async function readDesign(repo: string, id: string, path: string): Promise<Design | undefined> {
  const document = await readFile(inRepository(repo, path), 'utf8').catch(() => undefined);
  if (document === undefined) return undefined;
  return { id, path, status: lldFinalStatus(document), title: (documentTitle(document) ?? id).replace(/^\s*[A-Za-z0-9_-]+\s*-\s*/, '') };
}
