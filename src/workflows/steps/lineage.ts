import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write.js';

/** One file of an item's audit trail, kept in its checkpointed state until it is on disk. */
export interface LineageEntry {
  /** 1-based position in the audit trail. */
  number: number;
  /** File name without the number: `issue.md`, `draft.md`, `verdict.md`, … */
  name: string;
  content: string;
}

/** A state that carries an audit trail. */
export interface WithLineage {
  lineage: LineageEntry[];
}

/** The state with one more lineage entry, numbered after the last. */
export function withLineage<State extends WithLineage>(state: State, name: string, content: string): State {
  return { ...state, lineage: [...state.lineage, { number: state.lineage.length + 1, name, content }] };
}

export function lineageFileName(entry: Pick<LineageEntry, 'number' | 'name'>): string {
  return `${String(entry.number).padStart(3, '0')}-${entry.name}`;
}

/**
 * Writes the lineage entries that are not on disk yet, in order. Entries live in the checkpointed state
 * first, so after a crash the folder is completed from the state, never from a repeated model call; a
 * file already on disk is never rewritten.
 */
export class LineageWriter {
  private readonly written = new Set<number>();

  constructor(
    private readonly directory: string,
    /** Applied to every entry's content before it is written (secrets out). */
    private readonly redact: (text: string) => string = (text) => text,
  ) {}

  get path(): string {
    return this.directory;
  }

  async write(entries: readonly LineageEntry[]): Promise<void> {
    for (const entry of entries) {
      if (this.written.has(entry.number)) continue;
      const path = join(this.directory, lineageFileName(entry));
      const content = this.redact(entry.content);
      if (!existsSync(path)) await writeFileAtomic(path, content.endsWith('\n') ? content : `${content}\n`);
      this.written.add(entry.number);
    }
  }
}
