import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { folderCollection, gitHubCollection } from '../../items/collect-items.js';
import type { GitHubIssueSource } from '../../items/github-issues.js';
import type { SourceItem } from '../../items/source-item.js';
import type { ModelClient } from '../../model-call/model-client.js';
import { createHttpStack } from '../../providers/http-stack.js';
import type { ItemContext, Workflow } from '../../runner/types.js';
import type { ItemOutcome, RefusedItem } from '../../core/items.js';
import { repositoryPaths } from '../../core/paths.js';
import { runReviewLoop } from '../review-loop/run-review-loop.js';
import { parseLoopState, type LoopLimits, type LoopState } from '../review-loop/state.js';
import { documentTitle } from '../lld/sections.js';
import { finalRecord } from '../lld/finalize-lld.js';
import { issueDocumentKind } from './issue-document-kind.js';

export interface IssueWorkflowOptions {
  repo: string;
  /** Folder of briefs (default `ideas/active/`); filed briefs move to its sibling `done/`. */
  briefsDir: string;
  /** Write issues as `<dir>/<slug>.md` instead of filing them on GitHub. */
  issuesDir: string | undefined;
  /** Briefs above this many bytes are refused as failed (`--max-item-size`). Default: no limit. */
  maxItemBytes?: number;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  template: string;
  repositoryLayout: () => Promise<string[]>;
  drafter: ModelClient;
  reviewer: ModelClient;
  limits: LoopLimits;
}

/** Filing target: a local folder, or GitHub (checked up front so a missing token fails before any model call). */
type IssueTarget = { kind: 'folder'; dir: string } | { kind: 'github'; source: GitHubIssueSource };

export async function createIssueWorkflow(options: IssueWorkflowOptions): Promise<Workflow> {
  const target: IssueTarget = options.issuesDir
    ? { kind: 'folder', dir: options.issuesDir }
    : {
        kind: 'github',
        source: (
          await gitHubCollection({
            repo: options.repo,
            env: options.env,
            signal: options.signal,
            fetch: createHttpStack({ env: options.env }),
          })
        ).source,
      };
  return new IssueWorkflow(options, target);
}

/** `lldflow requirements --type issue`: idea brief → reviewed issue, filed, brief moved to done/. */
class IssueWorkflow implements Workflow<SourceItem, LoopState> {
  readonly name = 'issue' as const;

  constructor(
    private readonly options: IssueWorkflowOptions,
    private readonly target: IssueTarget,
  ) {}

  collectItems(request: { ids: string[] | undefined; onRefused: (refused: RefusedItem) => void }): Promise<SourceItem[]> {
    const briefs = folderCollection(this.options.briefsDir, { slugNames: true, maxItemBytes: this.options.maxItemBytes });
    return briefs.collect(request.ids, request.onRefused);
  }

  parseState(state: unknown): LoopState {
    return parseLoopState(state, this.name);
  }

  /** A filed brief has moved to done/ and is no longer collected; one still in active/ is pending. */
  completedOutput(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  runItem(item: SourceItem, context: ItemContext, resumeFrom: LoopState | undefined): Promise<ItemOutcome> {
    const { repo, drafter, reviewer, limits } = this.options;
    const kind = issueDocumentKind({ template: this.options.template, repositoryLayout: this.options.repositoryLayout });
    return runReviewLoop(
      {
        context,
        kind,
        drafter,
        reviewer,
        limits,
        repo,
        item,
        finalize: (state) => this.finalize(state, context),
        // The brief leaves active/ (what marks the item done) only once the lineage is on disk.
        publish: (state) => (state.outcome?.status === 'approved' ? this.moveBriefToDone(state) : Promise.resolve()),
      },
      resumeFrom,
    );
  }

  private async finalize(
    state: LoopState,
    context: ItemContext,
  ): Promise<{ output: string; lineage: Array<{ name: string; content: string }> }> {
    const document = state.document ?? '';
    const durationMs = context.clock.now() - Date.parse(state.startedAt);
    if (state.outcome?.status !== 'approved') {
      const output = repositoryPaths.lineage(state.item?.id ?? context.item.id, this.name, state.lineageRunId);
      const record = finalRecord(state, { output, drafter: this.options.drafter.label, durationMs });
      return {
        output,
        lineage: [
          { name: 'final.md', content: document },
          { name: 'blocked.json', content: `${JSON.stringify(record, null, 2)}\n` },
        ],
      };
    }
    const filed = await this.file(state, document);
    const record = { ...finalRecord(state, { output: filed.output, drafter: this.options.drafter.label, durationMs }), filed };
    return {
      output: filed.output,
      lineage: [
        { name: 'final.md', content: document },
        { name: 'filed.json', content: `${JSON.stringify(record, null, 2)}\n` },
      ],
    };
  }

  private async file(state: LoopState, document: string): Promise<{ output: string; url?: string; number?: number }> {
    const id = state.item?.id ?? 'issue';
    if (this.target.kind === 'folder') {
      const path = join(this.target.dir, `${id}.md`);
      await writeFileAtomic(path, document.endsWith('\n') ? document : `${document}\n`);
      return { output: relative(this.options.repo, path) || path };
    }
    const title = documentTitle(document) ?? state.item?.title ?? id;
    const body = document.replace(/^#\s+.*\n+/, '');
    // Finalizing runs again after a crash; an open issue with the same title means it was already filed.
    const existing = (await this.target.source.listOpenIssues()).find((issue) => issue.title === title);
    if (existing) return { output: existing.path, url: existing.path, number: Number(existing.id) };
    const created = await this.target.source.createIssue({ title, body, labels: state.item?.labels ?? [] });
    return { output: created.url, url: created.url, number: created.number };
  }

  private async moveBriefToDone(state: LoopState): Promise<void> {
    const origin = state.item?.origin;
    if (!origin || !existsSync(origin)) return;
    const doneDir = join(this.options.briefsDir, '..', 'done');
    await mkdir(doneDir, { recursive: true });
    await rename(origin, join(doneDir, basename(origin)));
  }
}
