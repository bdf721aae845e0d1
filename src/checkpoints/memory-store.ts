import { systemClock, type Clock } from '../clock/clock.js';
import { validateItemId } from '../core/item-id.js';
import type { WorkflowName } from '../core/items.js';
import { promiseOf } from './promise-of.js';
import { compareListEntries } from './list-order.js';
import type { Checkpoint, CheckpointInspection, CheckpointStatus, CheckpointStore, CheckpointStoreFactory } from './store.js';

/**
 * Checkpoints held in memory, for tests and dry runs. State is copied on the way in and out so that
 * a caller mutating its own objects cannot change what was committed (as with a real database).
 */
export class MemoryCheckpointStoreFactory implements CheckpointStoreFactory {
  private readonly checkpoints = new Map<string, Checkpoint>();
  private readonly setAside: Array<{ workflow: WorkflowName; itemId: string; path: string }> = [];

  constructor(private readonly clock: Clock = systemClock) {}

  open(workflow: WorkflowName, itemId: string): Promise<CheckpointStore> {
    return promiseOf(() => {
      validateItemId(itemId, 'checkpoint store');
      return new MemoryCheckpointStore(this.checkpoints, keyOf(workflow, itemId), workflow, itemId, this.clock, (path) =>
        this.setAside.push({ workflow, itemId, path }),
      );
    });
  }

  peek(workflow: WorkflowName, itemId: string): Promise<Checkpoint | undefined> {
    return promiseOf(() => {
      validateItemId(itemId, 'checkpoint store');
      return copyCheckpoint(this.checkpoints.get(keyOf(workflow, itemId)));
    });
  }

  async inspect(workflow: WorkflowName, itemId: string): Promise<CheckpointInspection> {
    const checkpoint = await this.peek(workflow, itemId);
    return checkpoint === undefined ? { kind: 'none' } : { kind: 'ok', checkpoint };
  }

  listSetAside(): Promise<Array<{ workflow: WorkflowName; itemId: string; path: string }>> {
    return Promise.resolve(this.setAside.map((entry) => ({ ...entry })));
  }

  list(workflow?: WorkflowName): Promise<Array<{ workflow: WorkflowName; itemId: string }>> {
    const entries = [...this.checkpoints.values()]
      .filter((checkpoint) => workflow === undefined || checkpoint.workflow === workflow)
      .map((checkpoint) => ({ workflow: checkpoint.workflow, itemId: checkpoint.itemId }))
      .sort(compareListEntries);
    return Promise.resolve(entries);
  }
}

class MemoryCheckpointStore implements CheckpointStore {
  private closed = false;

  constructor(
    private readonly checkpoints: Map<string, Checkpoint>,
    private readonly key: string,
    private readonly workflow: WorkflowName,
    private readonly itemId: string,
    private readonly clock: Clock,
    private readonly onSetAside: (path: string) => void,
  ) {}

  load(): Promise<Checkpoint | undefined> {
    return promiseOf(() => {
      this.assertOpen();
      return copyCheckpoint(this.checkpoints.get(this.key));
    });
  }

  commit(step: { stage: string; state: unknown }): Promise<void> {
    return promiseOf(() => this.commitNow(step));
  }

  private commitNow(step: { stage: string; state: unknown }): void {
    this.assertOpen();
    const previous = this.checkpoints.get(this.key);
    this.checkpoints.set(this.key, {
      workflow: this.workflow,
      itemId: this.itemId,
      step: (previous?.step ?? 0) + 1,
      stage: step.stage,
      // Like the SQLite store: what cannot be serialised fails here, not at resume time.
      state: cloneState(step.state),
      status: 'running',
      error: null,
      updatedAt: new Date(this.clock.now()).toISOString(),
    });
  }

  setStatus(status: CheckpointStatus, error?: string): Promise<void> {
    return promiseOf(() => {
      this.assertOpen();
      const previous = this.checkpoints.get(this.key);
      if (previous !== undefined) {
        this.checkpoints.set(this.key, {
          ...previous,
          status,
          error: error ?? null,
          updatedAt: new Date(this.clock.now()).toISOString(),
        });
      }
    });
  }

  remove(): Promise<void> {
    return promiseOf(() => {
      this.assertOpen();
      this.checkpoints.delete(this.key);
    });
  }

  setAside(): Promise<string | undefined> {
    return promiseOf(() => {
      this.assertOpen();
      if (!this.checkpoints.delete(this.key)) return undefined;
      const path = `memory:${this.key}.sqlite.corrupt-${new Date(this.clock.now()).toISOString()}`;
      this.onSetAside(path);
      return path;
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new Error(`checkpoint store for ${this.workflow}-${this.itemId} is closed`);
    }
  }
}

function keyOf(workflow: WorkflowName, itemId: string): string {
  return `${workflow}-${itemId}`;
}

/** A JSON round trip, the same rules the SQLite store applies (undefined fields dropped, Dates as strings). */
function cloneState(state: unknown): unknown {
  const text = JSON.stringify(state);
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

function copyCheckpoint(checkpoint: Checkpoint | undefined): Checkpoint | undefined {
  return checkpoint === undefined ? undefined : { ...checkpoint, state: cloneState(checkpoint.state) };
}
