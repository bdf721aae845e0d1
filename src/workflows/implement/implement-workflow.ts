import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../../git/git.js';
import { implementationBranch } from '../../git/worktree.js';
import { validateItemId } from '../../core/item-id.js';
import type { ModelClient } from '../../model-call/model-client.js';
import { UsageError } from '../../core/errors.js';
import type { ItemContext, Workflow } from '../../runner/types.js';
import type { ItemOutcome, WorkItem } from '../../core/items.js';
import { parseFilesChanged } from '../lld/files-changed.js';
import { lldFinalStatus, lldRelativePath } from '../lld/lld-status.js';
import { documentTitle } from '../lld/sections.js';
import { parseTestScenarios } from '../lld/test-scenarios.js';
import type { ImplementLimits, ImplementState } from './implement-state.js';
import { runImplementation } from './run-implementation.js';

export interface ImplementWorkflowOptions {
  repo: string;
  implementer: ModelClient;
  limits: ImplementLimits;
  baseRef: string;
  testCommand: string;
  testTimeoutMs: number;
  publish?: (state: ImplementState) => Promise<void>;
}

/** `lldflow implement`: every approved `docs/lld/active/LLD-<id>.md` → tests and code on `<id>-implementation`. */
export class ImplementWorkflow implements Workflow {
  readonly name = 'implement' as const;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ImplementWorkflowOptions) {}

  async collectItems(request: { ids: string[] | undefined }): Promise<WorkItem[]> {
    if (request.ids) {
      return Promise.all(
        request.ids.map(async (id) => {
          const status = await this.readLld(id);
          if (!status) throw new UsageError(`no design for item ${id}: ${lldRelativePath(id)} does not exist`);
          if (status.status !== 'approved') throw new UsageError(`${lldRelativePath(id)} is not approved (status: ${status.status ?? 'none'}); only approved designs are implemented`);
          return { id, title: status.title };
        }),
      );
    }
    const items: WorkItem[] = [];
    for (const id of await this.lldIds()) {
      const status = await this.readLld(id);
      if (status?.status === 'approved') items.push({ id, title: status.title });
    }
    return items;
  }

  /** Done when the branch carries the implementation report of a succeeded run. */
  async completedOutput(item: WorkItem): Promise<string | undefined> {
    const report = `docs/reports/active/${item.id}-implementation-report.md`;
    const branch = implementationBranch(item.id);
    try {
      const { stdout } = await runGit(['show', `${branch}:${report}`], { cwd: this.options.repo });
      return /\*\*Outcome:\*\* Succeeded/.test(stdout) ? `${branch}:${report}` : undefined;
    } catch {
      return undefined;
    }
  }

  runItem(item: WorkItem, context: ItemContext): Promise<ItemOutcome> {
    return runImplementation({
      context,
      implementer: this.options.implementer,
      limits: this.options.limits,
      repo: this.options.repo,
      baseRef: this.options.baseRef,
      testCommand: this.options.testCommand,
      testTimeoutMs: this.options.testTimeoutMs,
      withRepositoryLock: (work) => this.serialised(work),
      ...(this.options.publish ? { publish: this.options.publish } : {}),
      loadLld: async () => {
        const path = lldRelativePath(item.id);
        const document = await readFile(join(this.options.repo, path), 'utf8');
        const files = parseFilesChanged(document).changes.filter((change) => !change.directory);
        const scenarios = parseTestScenarios(document).scenarios.map((scenario) => `${scenario.id} ${scenario.scenario}: ${scenario.input} → ${scenario.expected} (pass: ${scenario.criterion})`);
        return { lld: { id: item.id, title: item.title, path, document }, files: files.map(({ path: file, change, description }) => ({ path: file, change, description })), scenarios };
      },
    });
  }

  /** Git keeps one lock per repository for worktree and ref changes; creating worktrees one at a time avoids lock errors. */
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lock.then(work, work);
    this.lock = result.catch(() => undefined);
    return result;
  }

  private async lldIds(): Promise<string[]> {
    const names = await readdir(join(this.options.repo, 'docs', 'lld', 'active')).catch(() => [] as string[]);
    return names.flatMap((name) => {
      const match = /^LLD-([A-Za-z0-9_-]{1,64})\.md$/.exec(name);
      if (!match?.[1]) return [];
      return [/^\d+$/.test(match[1]) ? String(Number(match[1])) : match[1]];
    });
  }

  private async readLld(id: string): Promise<{ status: string | undefined; title: string } | undefined> {
    validateItemId(id);
    try {
      const document = await readFile(join(this.options.repo, lldRelativePath(id)), 'utf8');
      return { status: lldFinalStatus(document), title: (documentTitle(document) ?? id).replace(/^\s*[A-Za-z0-9_-]+\s*-\s*/, '') };
    } catch {
      return undefined;
    }
  }
}
