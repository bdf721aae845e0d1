import { UsageError } from './errors.js';

const ITEM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Item ids become parts of paths (checkpoints, logs, lineage, worktrees), so they are checked before
 * any path is built from them: no separators, dots, drive letters or empty ids.
 */
export function validateItemId(id: string, origin = '--issue'): string {
  if (!ITEM_ID.test(id)) {
    throw new UsageError(
      `invalid item id ${JSON.stringify(id)} (from ${origin}): ids must be 1-64 characters of letters, digits, '_' or '-'`,
    );
  }
  return id;
}

export function isValidItemId(id: string): boolean {
  return ITEM_ID.test(id);
}
