import type { ModelReply, ModelUsage } from '../model-call/model-client.js';

/** US dollars per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** A reply whose transport knows its cost (the Claude CLI reports `total_cost_usd`). */
export interface ReplyWithCost extends ModelReply {
  costUsd?: number;
}

/**
 * List prices of common models, matched by the longest prefix of the model id, so dated ids
 * (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`) find their family. Standard (not batch, not
 * long-context) rates. A model not listed costs 0 and `isPriced` says so, so budgets are not enforced
 * on guesses.
 */
const PRICES: ReadonlyArray<readonly [prefix: string, input: number, output: number]> = [
  // Anthropic: Opus 4.5 and later cost a third of Opus 4 / 4.1.
  ['claude-opus-4-', 5, 25],
  ['claude-opus-4-0', 15, 75],
  ['claude-opus-4-1', 15, 75],
  ['claude-opus-4-2025', 15, 75],
  ['claude-opus-4', 15, 75],
  ['claude-3-opus', 15, 75],
  ['claude-sonnet-4', 3, 15],
  ['claude-3-7-sonnet', 3, 15],
  ['claude-3-5-sonnet', 3, 15],
  ['claude-haiku-4', 1, 5],
  ['claude-3-5-haiku', 0.8, 4],
  ['claude-3-haiku', 0.25, 1.25],
  // OpenAI
  ['gpt-4o', 2.5, 10],
  ['gpt-4o-mini', 0.15, 0.6],
  ['gpt-4.1', 2, 8],
  ['gpt-4.1-mini', 0.4, 1.6],
  ['gpt-4.1-nano', 0.1, 0.4],
  ['gpt-5', 1.25, 10],
  ['gpt-5-mini', 0.25, 2],
  ['gpt-5-nano', 0.05, 0.4],
  // Google (prompts up to 200k tokens)
  ['gemini-2.5-pro', 1.25, 10],
  ['gemini-2.5-flash', 0.3, 2.5],
  ['gemini-2.5-flash-lite', 0.1, 0.4],
  ['gemini-2.0-flash', 0.1, 0.4],
  ['gemini-2.0-flash-lite', 0.075, 0.3],
];

/** Providers whose calls never cost money, whatever their model is called. */
const FREE_PROVIDERS = new Set(['replay']);

/**
 * Prices the user gave (the config file's `prices`), by `provider:model`: matched like the table, by the
 * longest prefix of the model id, and before it — a negotiated price beats the list price.
 */
export type ExtraPrices = Readonly<Record<string, ModelPrice>>;

export function priceOf(provider: string, model: string, extra?: ExtraPrices): ModelPrice | undefined {
  if (FREE_PROVIDERS.has(provider)) return undefined;
  const id = model
    .trim()
    .toLowerCase()
    .replace(/^models\//, '');
  const given = extra ? extraPriceOf(provider, id, extra) : undefined;
  if (given) return given;
  let best: (typeof PRICES)[number] | undefined;
  for (const entry of PRICES) {
    if (id.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best ? { inputPerMillion: best[1], outputPerMillion: best[2] } : undefined;
}

function extraPriceOf(provider: string, id: string, extra: ExtraPrices): ModelPrice | undefined {
  let best: { length: number; price: ModelPrice } | undefined;
  for (const [spec, price] of Object.entries(extra)) {
    const separator = spec.indexOf(':');
    if (spec.slice(0, separator).trim().toLowerCase() !== provider) continue;
    const prefix = spec
      .slice(separator + 1)
      .trim()
      .toLowerCase();
    if (id.startsWith(prefix) && (!best || prefix.length > best.length)) best = { length: prefix.length, price };
  }
  return best?.price;
}

export function isPriced(provider: string, model: string, extra?: ExtraPrices): boolean {
  return priceOf(provider, model, extra) !== undefined;
}

/** What `usage` cost in US dollars; 0 for models without a known price. */
export function costOf(provider: string, model: string, usage: ModelUsage, extra?: ExtraPrices): number {
  const price = priceOf(provider, model, extra);
  if (!price) return 0;
  return (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1_000_000;
}
