import { readFile } from 'node:fs/promises';
import { calendarDate } from '../../clock/clock.js';
import { writeFileAtomic } from '../../files/atomic-write.js';
import type { ItemCollection } from '../../items/collect-items.js';
import type { SourceItem } from '../../items/source-item.js';
import type { ModelClient } from '../../model-call/model-client.js';
import type { ItemContext, Workflow } from '../../runner/types.js';
import type { ItemOutcome, RefusedItem } from '../../core/items.js';
import { inRepository, repositoryPaths } from '../../core/paths.js';
import type { DocumentKind } from '../review-loop/document-kind.js';
import { runReviewLoop } from '../review-loop/run-review-loop.js';
import { reopenBlockedLoop } from '../review-loop/reopen-blocked.js';
import { loadedItem, parseLoopState, type LoopLimits, type LoopState } from '../review-loop/state.js';
import { finalDocument, finalRecord } from './finalize-lld.js';
import type { ExpectedCalls } from '../../runner/expected-calls.js';
import { expectedReviewLoopCalls } from '../review-loop/expected-calls.js';
import { readItemDesign } from './lld-designs.js';

export interface LldWorkflowOptions {
  repo: string;
  items: ItemCollection;
  kind: DocumentKind;
  drafter: ModelClient;
  reviewer: ModelClient;
  limits: LoopLimits;
}

/**
 * Writes the finished LLD to its path (approved or blocked), unless it already holds exactly that (a
 * resume at the end publishes again). States of earlier lldflow versions wrote it while finalizing.
 */
async function publishDesign(repo: string, state: LoopState, redact: (text: string) => string): Promise<void> {
  if (state.finalDocument === undefined || state.output === undefined) return;
  const path = inRepository(repo, state.output);
  const content = redact(state.finalDocument);
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== content) await writeFileAtomic(path, content);
}

/** A finished LLD of sections 1–12 with its tables: about 16 KB. */
const TYPICAL_LLD_TOKENS = 4_000;

/** `lldflow requirements --type lld`: issue → reviewed LLD in docs/lld/active/, with its lineage. */
export class LldWorkflow implements Workflow<SourceItem, LoopState> {
  readonly name = 'lld' as const;

  constructor(private readonly options: LldWorkflowOptions) {}

  collectItems(request: { ids: string[] | undefined; onRefused: (refused: RefusedItem) => void }): Promise<SourceItem[]> {
    return this.options.items.collect(request.ids, request.onRefused);
  }

  parseState(state: unknown): LoopState {
    return parseLoopState(state, this.name);
  }

  /** Done means an LLD whose status line says Approved: a blocked or draft LLD is redone. */
  async completedOutput(item: SourceItem): Promise<string | undefined> {
    const design = await readItemDesign(this.options.repo, item.id);
    return design?.status === 'approved' ? design.path : undefined;
  }

  reopenBlocked(state: LoopState, item: SourceItem, date: string): LoopState {
    const current = loadedItem(item);
    return reopenBlockedLoop(state, { item: current, markdown: this.options.kind.itemMarkdown(current) }, date);
  }

  /** For `--dry-run`'s projected cost: the review loop's typical calls, around an LLD of sections 1–12. */
  expectedCalls(item: SourceItem): Promise<ExpectedCalls> {
    const { kind, drafter, reviewer } = this.options;
    return expectedReviewLoopCalls({ kind, item: loadedItem(item), drafter, reviewer, documentTokens: TYPICAL_LLD_TOKENS });
  }

  runItem(item: SourceItem, context: ItemContext, resumeFrom: LoopState | undefined): Promise<ItemOutcome> {
    const { repo, kind, drafter, reviewer, limits } = this.options;
    return runReviewLoop(
      {
        context,
        kind,
        drafter,
        reviewer,
        limits,
        repo,
        item,
        finalize: (state: LoopState) => {
          const relative = repositoryPaths.lld(item.id);
          const document = finalDocument(state, calendarDate(context.clock.now()));
          const record = finalRecord(state, {
            output: relative,
            drafter: drafter.label,
            durationMs: context.clock.now() - Date.parse(state.startedAt),
          });
          const closing = state.outcome?.status === 'approved' ? 'approved.json' : 'blocked.json';
          return Promise.resolve({
            output: relative,
            lineage: [
              { name: 'final.md', content: document },
              { name: closing, content: `${JSON.stringify(record, null, 2)}\n` },
            ],
            document,
          });
        },
        // Written only once the lineage is on disk: an approved LLD is what marks the item done.
        publish: (state: LoopState) => publishDesign(repo, state, (text) => context.redact(text)),
      },
      resumeFrom,
    );
  }
}
