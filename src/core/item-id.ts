import { UsageError } from './errors.js';

/** DESIGN.md: 1-64 ASCII letters, digits, `_` or `-`, never starting with `-` (git and shells read that as an option). */
const ITEM_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
const MAX_LENGTH = 64;
/** The rule, for messages. */
export const ITEM_ID_RULE = `ids are 1-${MAX_LENGTH} characters of letters, digits, '_' or '-', not starting with '-'`;

/**
 * Item ids become parts of paths (checkpoints, logs, lineage, worktrees) and of git and shell command
 * lines (branches, retry commands), so they are checked before any path or command is built from them:
 * no separators, dots, drive letters, leading dashes or empty ids.
 */
export function validateItemId(id: string, origin = '--issue'): string {
  const problem = itemIdProblem(id);
  if (problem !== undefined) {
    throw new UsageError(`invalid item id ${JSON.stringify(id)} (from ${origin}): it ${problem}; ${ITEM_ID_RULE}`);
  }
  return id;
}

export function isValidItemId(id: string): boolean {
  return ITEM_ID.test(id);
}

/** Why `id` is not a valid item id (`starts with '-' …`), or undefined when it is one. */
export function itemIdProblem(id: string): string | undefined {
  if (ITEM_ID.test(id)) return undefined;
  if (id === '') return 'is empty';
  const bad = [...id].find((character) => !/^[A-Za-z0-9_-]$/.test(character));
  if (bad !== undefined) return `contains ${JSON.stringify(bad)}`;
  if (id.startsWith('-')) return "starts with '-'";
  return `is ${id.length} characters long (at most ${MAX_LENGTH})`;
}

/**
 * What two ids of one item set must not share: numeric ids name one item whatever their leading zeros
 * (`7` and `007` both become `LLD-007.md`), and ids differing only in letter case name one file on
 * macOS and Windows.
 */
export function itemIdKey(id: string): string {
  return (/^\d+$/.test(id) ? id.replace(/^0+(?=\d)/, '') : id).toLowerCase();
}
