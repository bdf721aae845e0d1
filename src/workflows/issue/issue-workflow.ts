import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
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
import { reopenBlockedLoop } from '../review-loop/reopen-blocked.js';
import type { ExpectedCalls } from '../../runner/expected-calls.js';
import { expectedReviewLoopCalls } from '../review-loop/expected-calls.js';
import { loadedItem, parseLoopState, type LoopLimits, type LoopState } from '../review-loop/state.js';
import { lineageFileName } from '../steps/lineage.js';
import { documentTitle } from '../lld/sections.js';
import { finalRecord } from '../lld/finalize-lld.js';
import { issueDocumentKind } from './issue-document-kind.js';

/** What the review loop of a brief needs, wherever it runs (this machine, or a fleet worker). */
export interface IssueReviewOptions {
  /** Where the lineage goes: the target repository (a worker's scratch folder on a fleet). */
  repo: string;
  template: string;
  repositoryLayout: () => Promise<string[]>;
  drafter: ModelClient;
  reviewer: ModelClient;
  limits: LoopLimits;
}

export interface IssueWorkflowOptions extends IssueReviewOptions {
  /** Folder of briefs (default `ideas/active/`); filed briefs move to its sibling `done/`. */
  briefsDir: string;
  /** Write issues as `<dir>/<slug>.md` instead of filing them on GitHub. */
  issuesDir: string | undefined;
  /** Briefs above this many bytes are refused as failed (`--max-item-size`). Default: no limit. */
  maxItemBytes?: number;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
}

/**
 * Where an approved issue goes: a local folder, GitHub (checked up front so a missing token fails
 * before any model call), or nowhere yet — `deferred`: a fleet worker, which has neither the
 * submitter's clone nor its token, stops at the approved document (`final.md` + `approved.json` in the
 * lineage) and the submitter files it (`fileDeferred`).
 */
export type IssueTarget = { kind: 'folder'; dir: string } | { kind: 'github'; source: GitHubIssueSource } | { kind: 'deferred' };

/** Where the filed issue is: the output path or URL, and the GitHub issue when it is one. */
interface FiledIssue {
  output: string;
  url?: string;
  number?: number;
}

export async function createIssueWorkflow(options: IssueWorkflowOptions): Promise<IssueWorkflow> {
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

/**
 * On a fleet worker: the issue workflow with its filing deferred. It is handed each item whole (it
 * collects nothing), runs the review loop as a local run does, and on approval files nothing and moves
 * no brief (the brief's path is the submitter's): its output is the item's lineage folder.
 */
export function createDeferredIssueWorkflow(options: IssueReviewOptions): IssueWorkflow {
  return new IssueWorkflow(options, { kind: 'deferred' });
}

/** A filed issue: context, what to build, acceptance criteria; about 5 KB. */
const TYPICAL_ISSUE_TOKENS = 1_200;

/** `lldflow requirements --type issue`: idea brief → reviewed issue, filed, brief moved to done/. */
export class IssueWorkflow implements Workflow<SourceItem, LoopState> {
  readonly name = 'issue' as const;

  constructor(
    private readonly options: IssueReviewOptions & { briefsDir?: string; maxItemBytes?: number },
    private readonly target: IssueTarget,
  ) {}

  collectItems(request: { ids: string[] | undefined; onRefused: (refused: RefusedItem) => void }): Promise<SourceItem[]> {
    const { briefsDir } = this.options;
    if (briefsDir === undefined)
      return Promise.reject(new Error('internal: a deferred issue workflow is handed its items; it collects none'));
    const briefs = folderCollection(briefsDir, { slugNames: true, maxItemBytes: this.options.maxItemBytes });
    return briefs.collect(request.ids, request.onRefused);
  }

  parseState(state: unknown): LoopState {
    return parseLoopState(state, this.name);
  }

  private kind() {
    return issueDocumentKind({ template: this.options.template, repositoryLayout: this.options.repositoryLayout });
  }

  /** A filed brief has moved to done/ and is no longer collected; one still in active/ is pending. */
  completedOutput(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  reopenBlocked(state: LoopState, item: SourceItem, date: string): LoopState {
    const current = loadedItem(item);
    return reopenBlockedLoop(state, { item: current, markdown: this.kind().itemMarkdown(current) }, date);
  }

  /** For `--dry-run`'s projected cost: the review loop's typical calls, around an issue of a page or two. */
  expectedCalls(item: SourceItem): Promise<ExpectedCalls> {
    const { drafter, reviewer } = this.options;
    return expectedReviewLoopCalls({ kind: this.kind(), item: loadedItem(item), drafter, reviewer, documentTokens: TYPICAL_ISSUE_TOKENS });
  }

  runItem(item: SourceItem, context: ItemContext, resumeFrom: LoopState | undefined): Promise<ItemOutcome> {
    const { repo, drafter, reviewer, limits } = this.options;
    const kind = this.kind();
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
        // The brief leaves active/ (what marks the item done) only once the lineage is on disk; a
        // deferred run leaves it to the submitter, whose brief it is.
        publish: (state) =>
          state.outcome?.status === 'approved' && this.target.kind !== 'deferred'
            ? this.moveBriefToDone(state.item?.origin)
            : Promise.resolve(),
      },
      resumeFrom,
    );
  }

  /**
   * On the submitter, once a fleet worker's deferred run of `item` ended and its lineage is in this
   * repository: files the approved document (`final.md`) with this workflow's target, writes
   * `filed.json` after the worker's `approved.json`, moves the brief to done/, and returns the outcome
   * a local run gives (the issue's path or URL). A blocked item is returned as it is. Idempotent, as a
   * local finalize is: the issue file is rewritten with the same content, and an open GitHub issue of
   * the same title is taken instead of filing a second one.
   */
  async fileDeferred(item: SourceItem, outcome: ItemOutcome, context: ItemContext): Promise<ItemOutcome> {
    if (this.target.kind === 'deferred') throw new Error('internal: a deferred issue workflow cannot file the issues it defers');
    if (outcome.status !== 'succeeded') return outcome;
    const folder = this.deferredLineageFolder(item, outcome.output);
    const approved = await approvedEntries(join(this.options.repo, folder), folder);
    const filed = await this.file({ id: item.id, title: item.title, labels: item.labels }, approved.document);
    const record = { ...approved.record, output: filed.output, filed };
    await writeFileAtomic(join(this.options.repo, folder, approved.filedName), context.redact(`${JSON.stringify(record, null, 2)}\n`));
    await this.moveBriefToDone(item.path);
    context.log(`filed: ${filed.output}`);
    return { status: 'succeeded', output: filed.output };
  }

  private async finalize(
    state: LoopState,
    context: ItemContext,
  ): Promise<{ output: string; lineage: Array<{ name: string; content: string }> }> {
    const document = state.document ?? '';
    const durationMs = context.clock.now() - Date.parse(state.startedAt);
    const approved = state.outcome?.status === 'approved';
    if (!approved || this.target.kind === 'deferred') {
      const output = repositoryPaths.lineage(state.item?.id ?? context.item.id, this.name, state.lineageRunId);
      const record = finalRecord(state, { output, drafter: this.options.drafter.label, durationMs });
      return {
        output,
        lineage: [
          { name: 'final.md', content: document },
          { name: approved ? APPROVED_RECORD : 'blocked.json', content: `${JSON.stringify(record, null, 2)}\n` },
        ],
      };
    }
    const filed = await this.file({ id: state.item?.id, title: state.item?.title, labels: state.item?.labels }, document);
    const record = { ...finalRecord(state, { output: filed.output, drafter: this.options.drafter.label, durationMs }), filed };
    return {
      output: filed.output,
      lineage: [
        { name: 'final.md', content: document },
        { name: FILED_RECORD, content: `${JSON.stringify(record, null, 2)}\n` },
      ],
    };
  }

  private async file(
    item: { id: string | undefined; title: string | undefined; labels: string[] | undefined },
    document: string,
  ): Promise<FiledIssue> {
    if (this.target.kind === 'deferred') throw new Error('internal: a deferred issue workflow files nothing');
    const id = item.id ?? 'issue';
    if (this.target.kind === 'folder') {
      const path = join(this.target.dir, `${id}.md`);
      await writeFileAtomic(path, document.endsWith('\n') ? document : `${document}\n`);
      return { output: relative(this.options.repo, path) || path };
    }
    const title = documentTitle(document) ?? item.title ?? id;
    const body = document.replace(/^#\s+.*\n+/, '');
    // Finalizing runs again after a crash; an open issue with the same title means it was already filed.
    const existing = (await this.target.source.listOpenIssues()).find((issue) => issue.title === title);
    if (existing) return { output: existing.path, url: existing.path, number: Number(existing.id) };
    const created = await this.target.source.createIssue({ title, body, labels: item.labels ?? [] });
    return { output: created.url, url: created.url, number: created.number };
  }

  /** The worker's output for `item`: the item's own lineage folder of one run, nothing else of this repository. */
  private deferredLineageFolder(item: SourceItem, output: string | undefined): string {
    const root = `${repositoryPaths.itemLineage(item.id, this.name)}/`;
    const runId = output?.startsWith(root) ? output.slice(root.length) : undefined;
    if (runId === undefined || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(runId))
      throw new Error(`the fleet's result for ${item.id} names ${JSON.stringify(output ?? null)}, not a lineage folder under ${root}`);
    return `${root}${runId}`;
  }

  private async moveBriefToDone(origin: string | undefined): Promise<void> {
    const { briefsDir } = this.options;
    if (!origin || briefsDir === undefined || !existsSync(origin)) return;
    const doneDir = join(briefsDir, '..', 'done');
    await mkdir(doneDir, { recursive: true });
    await rename(origin, join(doneDir, basename(origin)));
  }
}

const APPROVED_RECORD = 'approved.json';
const FILED_RECORD = 'filed.json';

/**
 * A deferred run's closing entries in its lineage folder: the last `NNN-approved.json`, the document
 * of the `final.md` just before it, and the name `filed.json` takes (right after it, or again the one
 * an earlier filing wrote).
 */
async function approvedEntries(
  directory: string,
  folder: string,
): Promise<{ document: string; record: Record<string, unknown>; filedName: string }> {
  const names = await readdir(directory).catch(() => [] as string[]);
  const numbered = names.flatMap((name) => {
    const match = /^(\d{3,})-(.+)$/.exec(name);
    return match ? [{ number: Number(match[1]), name: match[2] ?? '' }] : [];
  });
  const approved = numbered.filter((entry) => entry.name === APPROVED_RECORD).sort((left, right) => right.number - left.number)[0];
  const final = approved && numbered.find((entry) => entry.number === approved.number - 1 && entry.name === 'final.md');
  if (!approved || !final) throw new Error(`${folder} holds no approved issue (NNN-final.md, then NNN-${APPROVED_RECORD})`);
  const document = await readFile(join(directory, lineageFileName(final)), 'utf8');
  const record = JSON.parse(await readFile(join(directory, lineageFileName(approved)), 'utf8')) as Record<string, unknown>;
  const after = { number: approved.number + 1, name: FILED_RECORD };
  const filedBefore = numbered.some((entry) => entry.number === after.number && entry.name === FILED_RECORD);
  const last = Math.max(...numbered.map((entry) => entry.number));
  return { document, record, filedName: lineageFileName(filedBefore ? after : { number: last + 1, name: FILED_RECORD }) };
}
