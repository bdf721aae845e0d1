import type { DocumentKind } from '../review-loop/document-kind.js';
import { draftResult, revisionResult, verdictResult } from '../lld/lld-document-kind.js';
import { rejectionPrompt, VERDICT_FORMAT } from '../lld/prompts.js';
import { verdictJsonSchema, type Verdict } from '../lld/verdict.js';
import {
  ISSUE_DRAFTER_SYSTEM_PROMPT,
  ISSUE_REVIEWER_SYSTEM_PROMPT,
  issueDraftPrompt,
  issueFixPrompt,
  issueReviewPrompt,
  issueRevisionPrompt,
} from './issue-prompts.js';
import { validateIssue } from './validate-issue.js';
import { fixWhitespace } from '../lld/whitespace-fix.js';

/** The issue document: drafted from a brief with the issue template, reviewed like an LLD. */
export function issueDocumentKind(options: { template: string; repositoryLayout: () => Promise<string[]> }): DocumentKind {
  return {
    label: 'issue',
    itemMarkdown: (item) => `# Brief: ${item.title}\n\nSource: ${item.origin}\n\n${item.body.trim()}\n`,
    async draftPrompt(item) {
      return {
        system: ISSUE_DRAFTER_SYSTEM_PROMPT,
        user: issueDraftPrompt({ brief: item, template: options.template, repoLayout: await options.repositoryLayout() }),
      };
    },
    fixValidationPrompt: (_item, document, errors) => ({ system: ISSUE_DRAFTER_SYSTEM_PROMPT, user: issueFixPrompt(document, errors) }),
    revisePrompt: (_item, document, state) => ({
      system: ISSUE_DRAFTER_SYSTEM_PROMPT,
      user: issueRevisionPrompt(document, state.verdicts.at(-1)?.detail as Verdict),
    }),
    reviewPrompt: (item, document, state) =>
      Promise.resolve({
        system: ISSUE_REVIEWER_SYSTEM_PROMPT,
        user: issueReviewPrompt({ brief: item, document, round: state.verdicts.length + 1, verdictFormat: VERDICT_FORMAT }),
      }),
    rejectionPrompt,
    parseDraft: draftResult,
    applyRevision: revisionResult,
    autofix: (document) => fixWhitespace(document),
    validate: (document) => Promise.resolve(validateIssue(document)),
    parseVerdict: verdictResult,
    verdictSchema: { name: 'issue_verdict', schema: verdictJsonSchema },
  };
}
