import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calendarDate } from '../../clock/clock.js';
import { writeSmallFileAtomicSync } from '../../files/atomic-write.js';
import type { ItemCollection } from '../../items/collect-items.js';
import type { SourceItem } from '../../items/source-item.js';
import type { ModelClient } from '../../model-call/model-client.js';
import type { ItemContext, Workflow } from '../../runner/types.js';
import type { ItemOutcome, WorkItem } from '../../core/items.js';
import type { DocumentKind } from '../review-loop/document-kind.js';
import { runReviewLoop } from '../review-loop/run-review-loop.js';
import { loadedItem, type LoadedItem, type LoopLimits, type LoopState } from '../review-loop/state.js';
import { finalDocument, finalRecord } from './finalize-lld.js';
import { lldFinalStatus, lldRelativePath } from './lld-status.js';

export interface LldWorkflowOptions {
  repo: string;
  items: ItemCollection;
  kind: DocumentKind;
  drafter: ModelClient;
  reviewer: ModelClient;
  limits: LoopLimits;
}

/** `lldflow requirements --type lld`: issue → reviewed LLD in docs/lld/active/, with its lineage. */
export class LldWorkflow implements Workflow {
  readonly name = 'lld' as const;
  private readonly collected = new Map<string, SourceItem>();

  constructor(private readonly options: LldWorkflowOptions) {}

  async collectItems(request: { ids: string[] | undefined }): Promise<WorkItem[]> {
    const items = await this.options.items.collect(request.ids);
    for (const item of items) this.collected.set(item.id, item);
    return items.map(({ id, title }) => ({ id, title }));
  }

  /**
   * Done means an LLD whose status line says Approved: a blocked or draft LLD is redone. Read
   * synchronously: planning asks this of every item before any runs, and nothing else waits then.
   */
  completedOutput(item: WorkItem): Promise<string | undefined> {
    const relative = lldRelativePath(item.id);
    let document: string;
    try {
      document = readFileSync(join(this.options.repo, relative), 'utf8');
    } catch {
      return Promise.resolve(undefined);
    }
    return Promise.resolve(lldFinalStatus(document) === 'approved' ? relative : undefined);
  }

  runItem(item: WorkItem, context: ItemContext): Promise<ItemOutcome> {
    const { repo, kind, drafter, reviewer, limits } = this.options;
    return runReviewLoop({
      context,
      kind,
      drafter,
      reviewer,
      limits,
      loadItem: () => Promise.resolve(this.loaded(item)),
      lineageDirectory: (lineageRunId) => join(repo, 'docs', 'lineage', 'active', `${item.id}-lld`, lineageRunId),
      finalize: (state: LoopState) => {
        const relative = lldRelativePath(item.id);
        const document = finalDocument(state, calendarDate(context.clock.now()));
        writeSmallFileAtomicSync(join(repo, relative), document);
        const record = finalRecord(state, { output: relative, drafter: drafter.label, durationMs: context.clock.now() - Date.parse(state.startedAt) });
        const closing = state.outcome?.status === 'approved' ? 'approved.json' : 'blocked.json';
        return Promise.resolve({ output: relative, lineage: [{ name: 'final.md', content: document }, { name: closing, content: `${JSON.stringify(record, null, 2)}\n` }] });
      },
    });
  }

  private loaded(item: WorkItem): LoadedItem {
    const source = this.collected.get(item.id);
    if (!source) throw new Error(`internal: item ${item.id} was not collected`);
    return loadedItem(source);
  }
}
