import { describe, expect, it } from 'vitest';
import { lldDocumentKind } from '../lld/lld-document-kind.js';
import { expectedReviewLoopCalls } from './expected-calls.js';
import { initialState, loadedItem } from './state.js';

const kind = lldDocumentKind({
  repo: '/nowhere',
  template: '# Template\n\n## 1. Context\n',
  repositoryLayout: () => Promise.resolve(['README.md', 'src/index.js']),
  repositoryFiles: () => Promise.resolve(['README.md', 'src/index.js']),
});
const item = loadedItem({ id: '7', title: 'Dark mode', body: 'Add a toggle.', labels: [], path: '/items/7.md' });
const drafter = { provider: 'openai', model: 'gpt-4.1' };
const reviewer = { provider: 'anthropic', model: 'claude-sonnet-4-5' };

describe('expectedReviewLoopCalls', () => {
  it('projects a draft, a review, one revision and a review, the draft and the reviews measured from their real prompts', async () => {
    const expected = await expectedReviewLoopCalls({ kind, item, drafter, reviewer, documentTokens: 1000 });
    if ('unknown' in expected) throw new Error(expected.unknown);
    const draft = await kind.draftPrompt(item);
    const review = await kind.reviewPrompt(item, 'x'.repeat(4000), initialState('r', new Date(0).toISOString()));
    expect(expected.calls).toEqual([
      { role: 'drafter', ...drafter, inputCharacters: draft.system.length + draft.user.length, outputTokens: 1000 },
      { role: 'reviewer', ...reviewer, inputCharacters: review.system.length + review.user.length, outputTokens: 1500 },
      { role: 'drafter', ...drafter, inputCharacters: draft.system.length + item.body.length + 4000 + 6000, outputTokens: 500 },
      { role: 'reviewer', ...reviewer, inputCharacters: review.system.length + review.user.length, outputTokens: 1500 },
    ]);
    expect(expected.assumes).toBe('draft, review, one revision, review; an LLD of about 1000 tokens');
  });

  it('grows with the item: a longer issue costs more input on every call', async () => {
    const short = await expectedReviewLoopCalls({ kind, item, drafter, reviewer, documentTokens: 1000 });
    const long = await expectedReviewLoopCalls({
      kind,
      item: { ...item, body: 'x'.repeat(10_000) },
      drafter,
      reviewer,
      documentTokens: 1000,
    });
    if ('unknown' in short || 'unknown' in long) throw new Error('no projection');
    long.calls.forEach((call, index) =>
      expect(call.inputCharacters - (short.calls[index]?.inputCharacters ?? 0)).toBeGreaterThanOrEqual(9_000),
    );
  });
});
