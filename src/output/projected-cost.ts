import { plural } from '../core/format.js';
import { tokensOfCharacters } from '../keys/request-tokens.js';
import { priceOf, type ExtraPrices, type ModelPrice } from '../providers/pricing.js';
import type { ExpectedCalls } from '../runner/expected-calls.js';
import { formatCost } from './format.js';

/** What a dry run projects for one item. */
export interface ItemProjection {
  /** US dollars; undefined when a call's model has no price, or the workflow cannot project the item. */
  costUsd: number | undefined;
  /** The cost of the calls that have a price. */
  pricedUsd: number;
  inputTokens: number;
  outputTokens: number;
  calls: number;
  /** `provider:model` of the calls without a price. */
  unpriced: string[];
  /** What the workflow assumed (the rounds, the answers' lengths). */
  assumes: string | undefined;
  /** Why there is no projection at all. */
  unknown: string | undefined;
}

/** Providers billed at another provider's list prices: the claude CLI and the agents call the same models. */
const PRICED_AS: Readonly<Record<string, string>> = { 'claude-cli': 'anthropic', 'claude-agent': 'anthropic', codex: 'openai' };
/** Recorded answers cost nothing. */
const FREE: ModelPrice = { inputPerMillion: 0, outputPerMillion: 0 };

function priceFor(provider: string, model: string, prices: ExtraPrices | undefined): ModelPrice | undefined {
  if (provider === 'replay') return FREE;
  const alias = PRICED_AS[provider];
  return priceOf(provider, model, prices) ?? (alias === undefined ? undefined : priceOf(alias, model, prices));
}

/** The item's expected calls priced: prompt characters / 4 as tokens in, the expected answers out, list prices (or the config's). */
export function projectItem(expected: ExpectedCalls, prices?: ExtraPrices): ItemProjection {
  if ('unknown' in expected) {
    return {
      costUsd: undefined,
      pricedUsd: 0,
      inputTokens: 0,
      outputTokens: 0,
      calls: 0,
      unpriced: [],
      assumes: undefined,
      unknown: expected.unknown,
    };
  }
  let cost = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  const unpriced = new Set<string>();
  for (const call of expected.calls) {
    const input = tokensOfCharacters(call.inputCharacters);
    inputTokens += input;
    outputTokens += call.outputTokens;
    const price = priceFor(call.provider, call.model, prices);
    if (price) cost += (input * price.inputPerMillion + call.outputTokens * price.outputPerMillion) / 1_000_000;
    else unpriced.add(`${call.provider}:${call.model}`);
  }
  return {
    costUsd: unpriced.size > 0 ? undefined : cost,
    pricedUsd: cost,
    inputTokens,
    outputTokens,
    calls: expected.calls.length,
    unpriced: [...unpriced],
    assumes: expected.assumes,
    unknown: undefined,
  };
}

/** The run's total: what the priced calls cost, and whether that is all (every call of every item priced). */
export function projectedTotal(projections: Iterable<ItemProjection>): { pricedUsd: number; complete: boolean } {
  let pricedUsd = 0;
  let complete = true;
  for (const projection of projections) {
    pricedUsd += projection.pricedUsd;
    if (projection.costUsd === undefined) complete = false;
  }
  return { pricedUsd, complete };
}

/** The dry-run table's cell: the cost, `?` when it cannot be told, `—` for an item that will not run. */
export function projectionCell(projection: ItemProjection | undefined): string {
  if (projection === undefined) return '—';
  return projection.costUsd === undefined ? '?' : formatCost(projection.costUsd);
}

/** Under the dry-run table: the total, what it assumes, and what each `?` stands for. */
export function projectionLines(projections: ReadonlyMap<string, ItemProjection>): string[] {
  if (projections.size === 0) return [];
  const all = [...projections.values()];
  const total = projectedTotal(all);
  const tokens = all.reduce((sum, projection) => sum + projection.inputTokens + projection.outputTokens, 0);
  const amount = total.complete ? formatCost(total.pricedUsd) : `at least ${formatCost(total.pricedUsd)} (+ ?)`;
  const items = `${projections.size} ${plural(projections.size, 'item')} to run`;
  const assumptions = [...new Set(all.flatMap((projection) => (projection.assumes === undefined ? [] : [projection.assumes])))];
  const lines = [
    `projected cost: ${amount} for ${items}, about ${tokens} tokens (prompt characters / 4; list prices, or the config file's prices)`,
    ...assumptions.map((assumes) => `  assumes: ${assumes}; a resumed item costs less`),
  ];
  const unpriced = [...new Set(all.flatMap((projection) => projection.unpriced))];
  if (unpriced.length > 0) {
    lines.push(`  ?: no price for ${unpriced.join(', ')} (give one under "prices" in lldflow.config.json)`);
  }
  for (const reason of new Set(all.flatMap((projection) => (projection.unknown === undefined ? [] : [projection.unknown])))) {
    lines.push(`  ?: no projection: ${reason}`);
  }
  return lines;
}
