import { plainCell } from './markdown-table.js';

export type ChangeType = 'add' | 'modify' | 'delete';

/** The words a Change Type cell may hold for each change; the first is the canonical one. */
const CHANGE_WORDS: Record<ChangeType, readonly string[]> = {
  add: ['add', 'added', 'new', 'create', 'created'],
  modify: ['modify', 'modified', 'update', 'updated', 'edit', 'edited', 'change', 'changed'],
  delete: ['delete', 'deleted', 'remove', 'removed'],
};

/**
 * Rows that name a path for context, not a change: `Exists`, `Existing Directory`, `Unchanged`,
 * `Reference`, `Read-only`. Drafters add them to show where new files go; they change nothing.
 */
const CONTEXT_WORDS = /^(exists?|existing|unchanged|reference[sd]?|read(?:[- ]only)?|context|no change|none)\b/;

export type ChangeCell =
  | { ok: true; kind: 'change'; change: ChangeType; directory: boolean; canonical: string }
  | { ok: true; kind: 'context'; label: string }
  | { ok: false; reason: string };

/**
 * `Add`, `Modify (future)`, `**Delete**`, `Add (Directory)`, `Create`, `Update`, `Exists (Directory)`.
 * `canonical` is the cell as autofix writes it: the change's own word, with every qualifier but the
 * directory one kept (the directory is marked on the path, `src/new/`, instead).
 */
export function parseChangeCell(cell: string): ChangeCell {
  const plain = plainCell(cell);
  const qualifiers = [...plain.matchAll(/\(([^)]*)\)/g)].map((match) => (match[1] ?? '').trim());
  const word = plain
    .replace(/\([^)]*\)/g, '')
    .trim()
    .toLowerCase();
  const change = changeOf(word);
  if (change) {
    const directory = qualifiers.some(isDirectoryQualifier);
    const kept = qualifiers.filter((qualifier) => !isDirectoryQualifier(qualifier)).map((qualifier) => ` (${qualifier})`);
    return { ok: true, kind: 'change', change, directory, canonical: `${canonicalWord(change)}${kept.join('')}` };
  }
  if (CONTEXT_WORDS.test(word)) return { ok: true, kind: 'context', label: plain };
  const shown = plain === '' ? 'an empty change type' : `unknown change type "${plain}"`;
  return { ok: false, reason: `${shown}: use exactly one of Add, Modify or Delete.` };
}

export function canonicalWord(change: ChangeType): string {
  return change[0]?.toUpperCase() + change.slice(1);
}

function changeOf(word: string): ChangeType | undefined {
  for (const [change, words] of Object.entries(CHANGE_WORDS) as Array<[ChangeType, readonly string[]]>) {
    if (words.includes(word)) return change;
  }
  return undefined;
}

function isDirectoryQualifier(qualifier: string): boolean {
  return /\b(dir|directory|folder)\b/i.test(qualifier);
}
