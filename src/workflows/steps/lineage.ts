import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemporaries, writeFileAtomic } from '../../files/atomic-write.js';

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
  private swept = false;

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
      if (!this.swept) {
        // A write a killed run or a full disk cut short left its temporary file: the folder is finished here.
        this.swept = true;
        removeStaleTemporaries(this.directory);
      }
      const path = join(this.directory, lineageFileName(entry));
      const content = this.redact(entry.content);
      if (!existsSync(path)) await writeFileAtomic(path, content.endsWith('\n') ? content : `${content}\n`);
      this.written.add(entry.number);
    }
  }

  /**
   * The failure records (`NNN-failed.json`) on disk right after `entries`: written when an item failed,
   * outside its checkpoint (the runner may already have moved on), and adopted into the state on resume
   * so the trail keeps its order and the next entry is numbered after them.
   */
  failureRecordsAfter(entries: readonly LineageEntry[]): LineageEntry[] {
    let names: Set<string>;
    try {
      names = new Set(readdirSync(this.directory));
    } catch {
      return [];
    }
    const adopted: LineageEntry[] = [];
    for (let number = entries.length + 1; ; number++) {
      const name = lineageFileName({ number, name: FAILURE_RECORD });
      if (!names.has(name)) return adopted;
      let content: string;
      try {
        content = readFileSync(join(this.directory, name), 'utf8');
      } catch {
        return adopted;
      }
      adopted.push({ number, name: FAILURE_RECORD, content });
      this.written.add(number);
    }
  }
}

/** The lineage file that closes the trail of a failed item's run. */
export const FAILURE_RECORD = 'failed.json';
