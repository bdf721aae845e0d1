import { describe, expect, it } from 'vitest';
import type { ExpectedCall } from '../runner/expected-calls.js';
import { projectedTotal, projectionCell, projectionLines, projectItem } from './projected-cost.js';

function call(provider: string, model: string, inputCharacters: number, outputTokens: number): ExpectedCall {
  return { role: 'drafter', provider, model, inputCharacters, outputTokens };
}

describe('projectItem', () => {
  it('prices each call at the list price: prompt characters / 4 in, the expected answer out', () => {
    // gpt-4.1: $2 in, $8 out per million tokens. 4_000_001 characters are 1_000_001 tokens (rounded up).
    const projection = projectItem({ calls: [call('openai', 'gpt-4.1', 4_000_001, 500_000)], assumes: 'one call' });
    expect(projection).toMatchObject({ calls: 1, inputTokens: 1_000_001, outputTokens: 500_000, unpriced: [], assumes: 'one call' });
    expect(projection.costUsd).toBeCloseTo(2.000002 + 4, 9);
    expect(projection.pricedUsd).toBe(projection.costUsd);
  });

  it('takes the config file’s prices, prices the claude CLI as Anthropic, and recorded answers as free', () => {
    const prices = { 'openai:house-model': { inputPerMillion: 1, outputPerMillion: 2 } };
    expect(projectItem({ calls: [call('openai', 'house-model-7', 4_000_000, 1_000_000)], assumes: '' }, prices).costUsd).toBeCloseTo(3, 9);
    expect(projectItem({ calls: [call('claude-cli', 'claude-sonnet-4-5', 4_000_000, 0)], assumes: '' }).costUsd).toBeCloseTo(3, 9);
    expect(projectItem({ calls: [call('replay', 'demo/recordings', 4_000_000, 1_000_000)], assumes: '' }).costUsd).toBe(0);
  });

  it('is ? for a model without a price, naming it, and keeps what the priced calls cost', () => {
    const projection = projectItem({
      calls: [call('openai', 'gpt-4.1', 4_000_000, 0), call('openai', 'mystery-1', 400, 10), call('openai', 'mystery-1', 400, 10)],
      assumes: '',
    });
    expect(projection.costUsd).toBeUndefined();
    expect(projection.pricedUsd).toBeCloseTo(2, 9);
    expect(projection.unpriced).toEqual(['openai:mystery-1']);
    expect(projectionCell(projection)).toBe('?');
  });

  it('is ? with the reason when the workflow cannot project', () => {
    const projection = projectItem({ unknown: 'claude-agent:opus works in turns' });
    expect(projection).toMatchObject({ costUsd: undefined, pricedUsd: 0, calls: 0, unknown: 'claude-agent:opus works in turns' });
  });
});

describe('projected totals and lines', () => {
  const priced = projectItem({ calls: [call('openai', 'gpt-4.1', 40_000, 1_000)], assumes: 'draft, review' });
  const unpriced = projectItem({ calls: [call('openai', 'mystery-1', 400, 10)], assumes: 'draft, review' });

  it('sums the items, and says the total is a floor when an item has no price', () => {
    expect(projectedTotal([priced, priced])).toEqual({ pricedUsd: priced.pricedUsd * 2, complete: true });
    expect(projectedTotal([priced, unpriced])).toEqual({ pricedUsd: priced.pricedUsd, complete: false });
    expect(projectionCell(priced)).toBe('$0.0280');
    expect(projectionCell(undefined)).toBe('—');
  });

  it('states the total, the assumptions and what each ? stands for', () => {
    expect(projectionLines(new Map([['1', priced]]))).toEqual([
      "projected cost: $0.0280 for 1 item to run, about 11000 tokens (prompt characters / 4; list prices, or the config file's prices)",
      '  assumes: draft, review; a resumed item costs less',
    ]);
    const lines = projectionLines(
      new Map([
        ['1', priced],
        ['2', unpriced],
        ['3', projectItem({ unknown: 'codex:gpt-5 works in turns' })],
      ]),
    );
    expect(lines[0]).toMatch(/^projected cost: at least \$0\.0280 \(\+ \?\) for 3 items to run/);
    expect(lines).toContain('  ?: no price for openai:mystery-1 (give one under "prices" in lldflow.config.json)');
    expect(lines).toContain('  ?: no projection: codex:gpt-5 works in turns');
    expect(projectionLines(new Map())).toEqual([]);
  });
});
