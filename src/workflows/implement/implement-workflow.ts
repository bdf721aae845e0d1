import { readFile } from 'node:fs/promises';
import { runGit } from '../../git/git.js';
import { implementationBranch } from '../../git/worktree.js';
import { validateItemId } from '../../core/item-id.js';
import { UsageError } from '../../core/errors.js';
import { inRepository, repositoryPaths } from '../../core/paths.js';
import type { ItemContext, Workflow } from '../../runner/types.js';
import type { ItemOutcome, WorkItem } from '../../core/items.js';
import { parseFilesChanged } from '../lld/files-changed.js';
import { listDesigns, readItemDesign, requireOneDesign } from '../lld/lld-designs.js';
import { parseTestScenarios } from '../lld/test-scenarios.js';
import type { Sandbox } from '../../process/sandbox.js';
import { reopenBlockedImplementation } from './blocked-implementation.js';
import { parseImplementState, type ImplementLimits, type ImplementState } from './implement-state.js';
import { runImplementation } from './run-implementation.js';
import { expectedImplementCalls } from './expected-calls.js';
import type { ExpectedCalls } from '../../runner/expected-calls.js';
import { repositoryLayout } from '../../repository/layout.js';
import type { ImplementationSetup, Implementer } from './implementation-setup.js';

export interface ImplementWorkflowOptions {
  repo: string;
  /** A model answering with files, or a coding agent working in the worktree (`claude-agent:`, `codex:`). */
  implementer: Implementer;
  limits: ImplementLimits;
  baseRef: string;
  testCommand: string;
  testTimeoutMs: number;
  publish?: (state: ImplementState) => Promise<void>;
  /**
   * `--commit-lineage`: commit each item's lineage on its implementation branch. Default false: the
   * lineage goes to this repository's `docs/lineage/active/<id>-implement/` and the branch holds none.
   */
  commitLineage?: boolean;
  /** Where the test command runs (see process/sandbox.ts); `network` is `--sandbox-network`. */
  sandbox: { sandbox: Sandbox; network: boolean };
  /** The item's approved design (default: read from `repo`); a fleet worker has it from the job. */
  loadDesign?: (item: WorkItem) => Promise<{ path: string; document: string }>;
  shareCommit?: ImplementationSetup['shareCommit'];
  lineageRoot?: string;
}

/** `lldflow implement`: every approved `docs/lld/active/LLD-<id>.md` → tests and code on `<id>-implementation`. */
export class ImplementWorkflow implements Workflow<WorkItem, ImplementState> {
  readonly name = 'implement' as const;
  private lock: Promise<unknown> = Promise.resolve();
  private layoutCharacters: Promise<number> | undefined;

  constructor(private readonly options: ImplementWorkflowOptions) {}

  async collectItems(request: { ids: string[] | undefined }): Promise<WorkItem[]> {
    if (request.ids) {
      return Promise.all(
        request.ids.map(async (id) => {
          const design = await readItemDesign(this.options.repo, validateItemId(id));
          if (!design) throw new UsageError(`no design for item ${id}: ${repositoryPaths.lld(id)} does not exist`);
          if (design.status !== 'approved')
            throw new UsageError(
              `${design.path} is not approved (status: ${design.status ?? 'none'}); only approved designs are implemented`,
            );
          return { id, title: design.title };
        }),
      );
    }
    const designs = await listDesigns(this.options.repo);
    requireOneDesign(designs);
    return designs.filter((design) => design.status === 'approved').map((design) => ({ id: design.id, title: design.title }));
  }

  parseState(state: unknown): ImplementState {
    return parseImplementState(state);
  }

  reopenBlocked(state: ImplementState, _item: WorkItem, date: string): ImplementState {
    return reopenBlockedImplementation(state, date);
  }

  /** For `--dry-run`'s projected cost: a tests call and a code call over the item's approved design. */
  async expectedCalls(item: WorkItem): Promise<ExpectedCalls> {
    // The paths shown with the tests prompt: measured once for every item of the run.
    this.layoutCharacters ??= repositoryLayout(this.options.repo).then((paths) => paths.slice(0, 500).join('\n').length);
    const [{ document }, layoutCharacters] = await Promise.all([this.readDesign(item), this.layoutCharacters]);
    return expectedImplementCalls({ repo: this.options.repo, implementer: this.options.implementer, design: document, layoutCharacters });
  }

  /** Done when the branch carries the implementation report of a succeeded run. */
  async completedOutput(item: WorkItem): Promise<string | undefined> {
    const report = repositoryPaths.implementationReport(item.id);
    const branch = implementationBranch(item.id);
    try {
      const { stdout } = await runGit(['show', `${branch}:${report}`], { cwd: this.options.repo });
      return /\*\*Outcome:\*\* Succeeded/.test(stdout) ? `${branch}:${report}` : undefined;
    } catch {
      return undefined;
    }
  }

  runItem(item: WorkItem, context: ItemContext, resumeFrom: ImplementState | undefined): Promise<ItemOutcome> {
    return runImplementation(
      {
        context,
        implementer: this.options.implementer,
        limits: this.options.limits,
        repo: this.options.repo,
        baseRef: this.options.baseRef,
        testCommand: this.options.testCommand,
        testTimeoutMs: this.options.testTimeoutMs,
        withRepositoryLock: (work) => this.serialised(work),
        commitLineage: this.options.commitLineage ?? false,
        sandbox: this.options.sandbox,
        ...(this.options.publish ? { publish: this.options.publish } : {}),
        ...(this.options.shareCommit ? { shareCommit: this.options.shareCommit } : {}),
        ...(this.options.lineageRoot === undefined ? {} : { lineageRoot: this.options.lineageRoot }),
        loadLld: async () => {
          const { path, document } = await (this.options.loadDesign ?? ((wanted) => this.readDesign(wanted)))(item);
          const files = parseFilesChanged(document).changes.filter((change) => !change.directory);
          const scenarios = parseTestScenarios(document).scenarios.map(
            (scenario) => `${scenario.id} ${scenario.scenario}: ${scenario.input} → ${scenario.expected} (pass: ${scenario.criterion})`,
          );
          return {
            lld: { id: item.id, title: item.title, path, document },
            files: files.map(({ path: file, change, description }) => ({ path: file, change, description })),
            scenarios,
          };
        },
      },
      resumeFrom,
    );
  }

  /** The item's design as this repository has it: the file as it is named (a hand-named `LLD-7.md` is item 7's design too). */
  async readDesign(item: WorkItem): Promise<{ path: string; document: string }> {
    const path = (await readItemDesign(this.options.repo, item.id))?.path ?? repositoryPaths.lld(item.id);
    return { path, document: await readFile(inRepository(this.options.repo, path), 'utf8') };
  }

  /** Git keeps one lock per repository for worktree and ref changes; creating worktrees one at a time avoids lock errors. */
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lock.then(work, work);
    this.lock = result.catch(() => undefined);
    return result;
  }
}
