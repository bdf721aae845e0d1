import type { Checkpoint, CheckpointStatus, CheckpointStore } from '../checkpoints/store.js';
import type { Redact } from '../core/redact.js';

/**
 * An item's checkpoint store that redacts everything on its way in: each committed stage and state
 * (every string in it) and each status error. The runner wraps every store it opens in one, so no
 * workflow can write a key to a checkpoint. Reads pass through: what comes back is what was stored.
 */
export class RedactingCheckpointStore implements CheckpointStore {
  constructor(
    private readonly inner: CheckpointStore,
    private readonly redact: Redact,
  ) {}

  load(): Promise<Checkpoint | undefined> {
    return this.inner.load();
  }

  commit(step: { stage: string; state: unknown }): Promise<void> {
    return this.inner.commit({ stage: this.redact(step.stage), state: redactJson(step.state, this.redact) });
  }

  setStatus(status: CheckpointStatus, error?: string): Promise<void> {
    return this.inner.setStatus(status, error === undefined ? undefined : this.redact(error));
  }

  remove(): Promise<void> {
    return this.inner.remove();
  }

  setAside(): Promise<string | undefined> {
    return this.inner.setAside();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * A JSON-shaped value with every string in it redacted, object keys included, as JSON.stringify
 * would see it (`toJSON` is honoured); the input is never changed. Other values stay as they are.
 */
export function redactJson(value: unknown, redact: Redact): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value !== 'object' || value === null) return value;
  if (hasToJson(value)) return redactJson(value.toJSON(), redact);
  if (Array.isArray(value)) return value.map((entry: unknown) => redactJson(entry, redact));
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [redact(key), redactJson(entry, redact)]));
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
