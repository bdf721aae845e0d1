import type { ModelClient } from '../../model-call/model-client.js';
import type { ExpectedCall, ExpectedCalls } from '../../runner/expected-calls.js';
import type { DocumentKind } from './document-kind.js';
import { initialState, type LoadedItem } from './state.js';

/** A verdict: the review's rationale and a handful of findings. */
const VERDICT_TOKENS = 1_500;
/** The providers' tokenizers average about four characters per token on prose and code. */
const CHARACTERS_PER_TOKEN = 4;

export interface ReviewLoopProjection {
  kind: DocumentKind;
  item: LoadedItem;
  drafter: Pick<ModelClient, 'provider' | 'model'>;
  reviewer: Pick<ModelClient, 'provider' | 'model'>;
  /** How long a finished document of this kind typically is. */
  documentTokens: number;
}

/**
 * A typical item of the review loop: a draft, a review, one revision, a second review that approves.
 * The draft's and the reviews' prompts are the real ones (the review's around a document of the
 * typical length); the revision sends the document and the verdict back with the item.
 */
export async function expectedReviewLoopCalls(projection: ReviewLoopProjection): Promise<ExpectedCalls> {
  const { kind, item, drafter, reviewer, documentTokens } = projection;
  const draft = await kind.draftPrompt(item);
  const document = 'x'.repeat(documentTokens * CHARACTERS_PER_TOKEN);
  const review = await kind.reviewPrompt(item, document, initialState('dry-run', new Date(0).toISOString()));
  const draftCharacters = draft.system.length + draft.user.length;
  const reviewCharacters = review.system.length + review.user.length;
  const call = (client: ReviewLoopProjection['drafter'], role: string, inputCharacters: number, outputTokens: number): ExpectedCall => ({
    role,
    provider: client.provider,
    model: client.model,
    inputCharacters,
    outputTokens,
  });
  const revisionCharacters = draft.system.length + item.body.length + document.length + VERDICT_TOKENS * CHARACTERS_PER_TOKEN;
  return {
    calls: [
      call(drafter, 'drafter', draftCharacters, documentTokens),
      call(reviewer, 'reviewer', reviewCharacters, VERDICT_TOKENS),
      // Edit blocks, or a part rewritten: about half the document.
      call(drafter, 'drafter', revisionCharacters, Math.ceil(documentTokens / 2)),
      call(reviewer, 'reviewer', reviewCharacters, VERDICT_TOKENS),
    ],
    assumes: `draft, review, one revision, review; an ${kind.label} of about ${documentTokens} tokens`,
  };
}
