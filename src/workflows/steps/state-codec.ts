import type { z } from 'zod';
import { CheckpointStateError } from '../../core/errors.js';

/**
 * A workflow's checkpointed state, read back under a version: the state is stored with its version
 * number, and only a state of this version, whole and well-formed, is resumed from. Anything else is a
 * named error, never a cast: `damaged` (the runner moves the checkpoint aside and starts afresh) or
 * `newer` (the item fails, saying what to do).
 */
export function parseVersionedState<Schema extends z.ZodType<{ version: number }>>(
  schema: Schema,
  version: number,
  value: unknown,
  workflow: string,
): z.infer<Schema> {
  const found = typeof value === 'object' && value !== null && 'version' in value ? value.version : undefined;
  if (typeof found === 'number' && found > version) {
    throw new CheckpointStateError(
      `the ${workflow} checkpoint was written by a newer lldflow (state version ${found}, this lldflow reads ${version}): resume the item with that lldflow, or delete its file under .lldflow/checkpoints/ to start it afresh`,
      { kind: 'newer' },
    );
  }
  if (found !== version) {
    throw new CheckpointStateError(
      `the ${workflow} checkpoint holds a state this lldflow cannot read (state version ${found === undefined ? 'none' : JSON.stringify(found)}, this lldflow reads ${version})`,
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new CheckpointStateError(`the ${workflow} checkpoint is damaged${where} (${issue?.message ?? 'invalid'})`);
  }
  return parsed.data;
}
