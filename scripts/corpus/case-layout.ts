import { parseFilesChanged } from '../../src/workflows/lld/files-changed.js';
import { globBase } from '../../src/workflows/lld/path-cell.js';
import type { CorpusCase } from './cases.js';

export interface CaseLayout {
  files: Set<string>;
  folders: Set<string>;
}

/**
 * The repository a case designed against, as its own 2.1 tables (every draft and the final) describe
 * it: the corpus holds no copy of the real repository. Modify, Delete and context rows name paths that
 * exist (a glob stands for one matching file); an Add row's folder existed for its author, unless a
 * table adds that folder itself. So Modify/Delete paths and globs are checked against real claims, and
 * the rule that a new file's folder must exist or be added is not exercised by the corpus (its unit
 * tests cover it).
 */
export function caseLayout(recorded: CorpusCase): CaseLayout {
  const files = new Set<string>();
  const folders = new Set<string>();
  const addedFolders = new Set<string>();
  const addParents: string[] = [];
  for (const document of [...recorded.drafts, ...(recorded.final === undefined ? [] : [recorded.final])]) {
    const table = parseFilesChanged(document);
    for (const change of table.changes) {
      if (change.change === 'add') {
        if (change.directory) addedFolders.add(change.path);
        addParents.push(change.glob ? globBase(change.path) : parentOf(change.path));
        continue;
      }
      const path = change.glob ? globExample(change.path) : change.path;
      (change.directory ? folders : files).add(path);
    }
    for (const row of table.context) (/dir|folder/i.test(row.label) || row.path.endsWith('/') ? folders : files).add(row.path);
  }
  for (const parent of addParents) if (parent !== '' && !addedFolders.has(parent)) folders.add(parent);
  for (const path of [...files, ...folders]) {
    for (let parent = parentOf(path); parent !== ''; parent = parentOf(parent)) folders.add(parent);
  }
  return { files, folders };
}

/** One file a glob matches: `nodes/*.py` → `nodes/example.py`; `a/**` segments are dropped. */
export function globExample(pattern: string): string {
  const base = globBase(pattern);
  const rest = pattern
    .slice(base === '' ? 0 : base.length + 1)
    .split('/')
    .filter((segment) => segment !== '**')
    .map((segment) => segment.replace(/\*+/g, 'example').replace(/\?/g, 'x'));
  return [...(base === '' ? [] : [base]), ...rest].join('/');
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}
