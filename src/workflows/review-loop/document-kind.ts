import type { ModelMessage } from '../../model-call/model-client.js';
import type { AutofixResult } from './autofix.js';
import type { DrafterResult, ReviewerResult } from './transitions.js';
import type { LoadedItem, LoopState } from './state.js';

export interface PromptPair {
  system: string;
  user: string;
}

/**
 * What differs between the documents the review loop produces (an LLD, an issue): prompts, parsers,
 * mechanical validation. The loop itself (what happens next, checkpoints, lineage) is shared.
 */
export interface DocumentKind {
  /** For log lines: `LLD`, `issue`. */
  readonly label: string;
  /** The item as the first lineage file. */
  itemMarkdown(item: LoadedItem): string;
  draftPrompt(item: LoadedItem): Promise<PromptPair>;
  fixValidationPrompt(item: LoadedItem, document: string, errors: string[]): PromptPair;
  revisePrompt(item: LoadedItem, document: string, state: LoopState): PromptPair;
  reviewPrompt(item: LoadedItem, document: string, state: LoopState): Promise<PromptPair>;
  /** Sent after a rejected answer, with the reason. */
  rejectionPrompt(reason: string): string;
  parseDraft(response: string): DrafterResult;
  applyRevision(previous: string, response: string): DrafterResult;
  /** Mechanical fixes made before validation, with no model call (see autofix.ts). */
  autofix(document: string, item: LoadedItem): AutofixResult;
  /** Mechanical checks; each string is an error the drafter will be shown. */
  validate(document: string, item: LoadedItem): Promise<string[]>;
  parseVerdict(response: string, meta: { round: number; reviewer: string; date: string }): ReviewerResult;
  readonly verdictSchema: { name: string; schema: Record<string, unknown> };
}

/** The conversation for one call: the prompt, plus the rejected answer and the reason when asking again. */
export function conversation(
  prompt: PromptPair,
  rejection: { reason: string; response: string } | undefined,
  kind: DocumentKind,
): { system: string; messages: ModelMessage[] } {
  const messages: ModelMessage[] = [{ role: 'user', content: prompt.user }];
  if (rejection) {
    messages.push({ role: 'assistant', content: rejection.response }, { role: 'user', content: kind.rejectionPrompt(rejection.reason) });
  }
  return { system: prompt.system, messages };
}
