import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeSmallFileAtomicSync } from '../../files/atomic-write.js';
import type { LineageEntry } from './state.js';

export function lineageFileName(entry: Pick<LineageEntry, 'number' | 'name'>): string {
  return `${String(entry.number).padStart(3, '0')}-${entry.name}`;
}

/**
 * Writes the lineage entries that are not on disk yet. Entries live in the checkpointed state first,
 * so after a crash the folder is completed from the state, never from a repeated model call.
 */
export class LineageWriter {
  private readonly written = new Set<number>();

  constructor(private readonly directory: string) {}

  get path(): string {
    return this.directory;
  }

  /** Synchronous on purpose: see writeSmallFileAtomicSync (this runs between an item's model calls). */
  sync(entries: readonly LineageEntry[]): void {
    for (const entry of entries) {
      if (this.written.has(entry.number)) continue;
      const path = join(this.directory, lineageFileName(entry));
      if (!existsSync(path)) writeSmallFileAtomicSync(path, entry.content.endsWith('\n') ? entry.content : `${entry.content}\n`);
      this.written.add(entry.number);
    }
  }
}
