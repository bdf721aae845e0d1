import type { z } from 'zod';
import { CheckpointStateError } from '../../core/errors.js';

/**
 * A workflow's checkpointed state, read back under a version: the state is stored with its version
 * number, and only a state of this version, whole and well-formed, is resumed from. Anything else is a
 * named error that says what to do, never a cast.
 */
export function parseVersionedState<Schema extends z.ZodType<{ version: number }>>(
  schema: Schema,
  version: number,
  value: unknown,
  workflow: string,
): z.infer<Schema> {
  const found = typeof value === 'object' && value !== null && 'version' in value ? value.version : undefined;
  if (found !== version) {
    throw new CheckpointStateError(
      `the ${workflow} checkpoint was written by another lldflow version (state version ${found === undefined ? 'none' : JSON.stringify(found)}, this lldflow reads ${version}): run the item afresh, deleting its file under .lldflow/checkpoints/`,
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new CheckpointStateError(
      `the ${workflow} checkpoint is damaged${where} (${issue?.message ?? 'invalid'}): run the item afresh, deleting its file under .lldflow/checkpoints/`,
    );
  }
  return parsed.data;
}
