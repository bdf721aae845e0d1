import { fenced } from '../markdown-fence.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentKind, PromptPair } from '../review-loop/document-kind.js';
import type { LoadedItem, LoopState } from '../review-loop/state.js';
import type { DrafterResult, ReviewerResult } from '../review-loop/transitions.js';
import { parseDraft } from './draft.js';
import { globMatcher } from './path-cell.js';
import { autofixLld } from './lld-autofix.js';
import {
  DRAFTER_SYSTEM_PROMPT,
  REVIEWER_SYSTEM_PROMPT,
  draftPrompt,
  rejectionPrompt,
  reviewPrompt,
  revisionPrompt,
  validationFixPrompt,
} from './prompts.js';
import { applyRevision } from './revision.js';
import { validateDraft } from './validate-draft.js';
import { blockingItems, parseVerdict, verdictJsonSchema, type Verdict } from './verdict.js';
import { renderVerdictMarkdown } from './verdict-markdown.js';

export interface LldKindOptions {
  repo: string;
  template: string;
  /** The repository's files, read once per run and shared by every item. */
  repositoryLayout: () => Promise<string[]>;
  /** Every file of the repository (not only those shown to models), for Modify/Delete globs. */
  repositoryFiles: () => Promise<string[]>;
  /**
   * Whether a repository-relative path exists (a file or a folder). Default: looked up in `repo`; a
   * fleet worker without a clone answers from the file list its job carries.
   */
  pathExists?: (path: string) => boolean;
}

/** The LLD document: the built-in (or --template) LLD template, sections 1–12, repository path checks. */
export function lldDocumentKind(options: LldKindOptions): DocumentKind {
  const pathExists = options.pathExists ?? ((path: string): boolean => existsSync(join(options.repo, path)));
  const withDocument = (text: string, document: string): string =>
    `${text}\n\n## The current document\n\n${fenced(document.trim(), 'markdown')}`;
  return {
    label: 'LLD',
    itemMarkdown: (item) => itemAsMarkdown(item),
    async draftPrompt(item) {
      return {
        system: DRAFTER_SYSTEM_PROMPT,
        user: draftPrompt({ item, template: options.template, repoLayout: await options.repositoryLayout() }),
      };
    },
    fixValidationPrompt(item, document, errors): PromptPair {
      return {
        system: DRAFTER_SYSTEM_PROMPT,
        user: withDocument(
          validationFixPrompt(
            errors.map((message) => ({ code: 'validation', message })),
            item,
          ),
          document,
        ),
      };
    },
    revisePrompt(item, document, state: LoopState): PromptPair {
      const verdict = state.verdicts.at(-1)?.detail as Verdict;
      return { system: DRAFTER_SYSTEM_PROMPT, user: revisionPrompt({ item, document, verdict }) };
    },
    async reviewPrompt(item, document, state) {
      return {
        system: REVIEWER_SYSTEM_PROMPT,
        user: reviewPrompt({ item, document, repoLayout: await options.repositoryLayout(), round: state.verdicts.length + 1 }),
      };
    },
    rejectionPrompt,
    parseDraft: draftResult,
    applyRevision: revisionResult,
    autofix: (document, item) => autofixLld(document, item.id, pathExists),
    async validate(document, item) {
      const files = await options.repositoryFiles();
      const issues = validateDraft(document, {
        itemId: item.id,
        pathExists,
        globMatches: (pattern) => files.some(globMatcher(pattern)),
      });
      return issues.map((issue) => (issue.section ? `[section ${issue.section}] ${issue.message}` : issue.message));
    },
    parseVerdict: (response, meta) => verdictResult(response, meta),
    verdictSchema: { name: 'lld_verdict', schema: verdictJsonSchema },
  };
}

/** The drafter's first answer as the review loop takes it (a rejected one keeps the response to show it back). */
export function draftResult(response: string): DrafterResult {
  const parsed = parseDraft(response);
  return parsed.ok ? parsed : { ...parsed, response };
}

/** A revision answer (edit blocks or a whole document) applied to the previous document. */
export function revisionResult(previous: string, response: string): DrafterResult {
  const revised = applyRevision(previous, response);
  if (revised.ok) return { ok: true, document: revised.document };
  return { ok: false, reason: revised.reason, response, ...(revised.unchanged ? { unchanged: true } : {}) };
}

export function verdictResult(response: string, meta: { round: number; reviewer: string; date: string }): ReviewerResult {
  const parsed = parseVerdict(response);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, response };
  return {
    ok: true,
    verdict: parsed.verdict.verdict,
    blocking: blockingItems(parsed.verdict),
    blockingSummary: parsed.verdict.feedback_items
      .filter((item) => item.tier === 1)
      .map((item) => `${item.section.trim() ? `§${item.section.trim()} ` : ''}${item.issue.trim()}`),
    detail: parsed.verdict,
    markdown: renderVerdictMarkdown(parsed.verdict, meta),
  };
}

export function itemAsMarkdown(item: LoadedItem): string {
  const labels = item.labels.length > 0 ? `\nLabels: ${item.labels.join(', ')}\n` : '';
  return `# ${item.id}: ${item.title}\n\nSource: ${item.origin}\n${labels}\n${item.body.trim()}\n`;
}
