import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeSmallFileAtomicSync } from '../../files/atomic-write.js';
import type { LineageEntry } from './state.js';

export function lineageFileName(entry: Pick<LineageEntry, 'number' | 'name'>): string {
  return `${String(entry.number).padStart(3, '0')}-${entry.name}`;
}

/**
 * Writes the lineage entries that are not on disk yet, in order. Entries live in the checkpointed state
 * first, so after a crash the folder is completed from the state, never from a repeated model call.
 *
 * Writing waits for the event loop's check phase: a running item sends its next model request first and
 * writes its lineage after, once the answers that arrived together have all been handled. The writes
 * themselves are synchronous (see writeSmallFileAtomicSync): measured on a slow disk, handing them to
 * Node's thread pool made them queue there for tens of milliseconds, which an ending item waits for.
 */
export class LineageWriter {
  private readonly written = new Set<number>();
  private pending: LineageEntry[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private failure: Error | undefined;

  constructor(private readonly directory: string) {}

  get path(): string {
    return this.directory;
  }

  /** Queues the entries not written yet, to be written once the current batch of events is handled. */
  queue(entries: readonly LineageEntry[]): void {
    for (const entry of entries) {
      if (this.written.has(entry.number) || this.pending.some((queued) => queued.number === entry.number)) continue;
      this.pending.push(entry);
    }
    if (this.pending.length > 0 && this.scheduled === undefined) this.scheduled = setImmediate(() => this.drain());
  }

  /** Writes the entries not written yet, now. */
  sync(entries: readonly LineageEntry[]): Promise<void> {
    this.queue(entries);
    return this.flush();
  }

  /** Writes whatever is still queued, now; throws the first write that failed. */
  flush(): Promise<void> {
    this.drain();
    return this.failure ? Promise.reject(this.failure) : Promise.resolve();
  }

  private drain(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const entries = this.pending;
    this.pending = [];
    for (const entry of entries) {
      if (this.failure) return;
      try {
        const path = join(this.directory, lineageFileName(entry));
        if (!existsSync(path)) writeSmallFileAtomicSync(path, entry.content.endsWith('\n') ? entry.content : `${entry.content}\n`);
        this.written.add(entry.number);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
    }
  }
}
