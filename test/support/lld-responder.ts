import type { FakeReply, FakeRequest } from '../../src/providers/testing/fake-http-server.js';

/** What a scripted model was asked, read from the prompt lldflow sent. */
export interface LldCall {
  itemId: string;
  /** `draft`, `revise`, `review-<round>`. */
  step: string;
}

/** Reads the item and the step from an OpenAI Chat Completions request body. */
export function classifyCall(request: FakeRequest): LldCall {
  const body = request.body as { messages?: Array<{ role: string; content: string }> };
  const user = body.messages?.find((message) => message.role === 'user')?.content ?? '';
  const review = /^Review round (\d+): the Low-Level Design for issue ([A-Za-z0-9_-]+)/m.exec(user);
  if (review) return { itemId: review[2]!, step: `review-${review[1]}` };
  const draft = /^Write the Low-Level Design for issue ([A-Za-z0-9_-]+)/m.exec(user);
  if (draft) return { itemId: draft[1]!, step: 'draft' };
  return { itemId: 'unknown', step: 'revise' };
}

/** A complete LLD that passes lldflow's mechanical checks in a repository that has README.md. */
export function validLld(itemId: string, title: string): string {
  const sections = [
    `## 1. Context & Goal\n\n* **Issue:** #${itemId}\n* **Objective:** ${title}.\n* **Status:** Draft\n\n### Open Questions\n\nNone.`,
    `## 2. Proposed Changes\n\n### 2.1 Files Changed\n\n| File | Change Type | Description |\n|------|-------------|-------------|\n| \`README.md\` | Modify | Document ${title.toLowerCase()} |\n| \`src/feature-${itemId}.js\` | Add | The feature |`,
    '## 3. Requirements\n\n1. The feature works as the issue describes.',
    '## 4. Alternatives Considered\n\nNone worth the cost.',
    '## 5. Data & Fixtures\n\nNo data.',
    '## 6. Diagram\n\nNot needed.',
    '## 7. Security & Safety Considerations\n\nNo new inputs.',
    '## 8. Performance & Cost Considerations\n\nNegligible.',
    '## 9. Legal & Compliance\n\nNone.',
    `## 10. Verification & Testing\n\n### 10.1 Test Scenarios\n\n| ID | Scenario | Type | Input | Expected Output | Pass Criteria |\n|----|----------|------|-------|-----------------|---------------|\n| 010 | Feature ${itemId} runs | Auto | none | ok | returns ok |`,
    '## 11. Risks & Mitigations\n\nLow risk.',
    '## 12. Definition of Done\n\n- [ ] Tests pass',
  ];
  return `# ${itemId} - Feature: ${title}\n\n${sections.join('\n\n')}\n`;
}

export const APPROVED_VERDICT = JSON.stringify({
  verdict: 'APPROVED',
  rationale: 'Clear, testable and consistent with the repository.',
  feedback_items: [{ tier: 3, category: 'style', section: '3', issue: 'Could say more.', recommendation: 'Optional.' }],
  open_questions: [],
});

/** A model that drafts a valid LLD for any item and approves it in the first review round. */
export function approvingResponder(request: FakeRequest): FakeReply {
  const call = classifyCall(request);
  if (call.step === 'draft') return { text: validLld(call.itemId, `Feature ${call.itemId}`) };
  if (call.step.startsWith('review-')) return { text: APPROVED_VERDICT };
  return { status: 400, message: `unexpected call ${call.step}` };
}

/**
 * The approving responder with every review held until `release()`: a Ctrl+C or a kill then lands with
 * the drafts answered and committed and the reviews in flight, so any call the server answered was
 * committed by its client, and a repeat can only mean lldflow redid a completed call.
 */
export function holdingReviews(): { respond: (request: FakeRequest) => Promise<FakeReply>; release: () => void } {
  let holding = true;
  const held: Array<() => void> = [];
  return {
    respond: async (request) => {
      if (holding && classifyCall(request).step.startsWith('review')) await new Promise<void>((release) => held.push(release));
      return approvingResponder(request);
    },
    release: () => {
      holding = false;
      for (const release of held.splice(0)) release();
    },
  };
}

/** Every (item, step) the fake model answered in full, with how often: more than once is a repeated call. */
export function answeredCalls(
  requests: ReadonlyArray<{ body: unknown; apiKey: string | undefined; path: string; outcome: string }>,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of requests) {
    if (record.outcome !== 'answered') continue;
    const call = classifyCall({ body: record.body, apiKey: record.apiKey, headers: {}, path: record.path });
    const key = `${call.itemId}/${call.step}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
