import type { ModelRequest } from '../model-call/model-client.js';
import type { KeyDemand } from './key-lease.js';

/** English prose and code average about four characters per token across the providers' tokenizers. */
const CHARACTERS_PER_TOKEN = 4;

/**
 * A request's tokens as a provider counts them against its token limit before answering: the input
 * (system and messages) estimated from its characters, plus the requested maximum output, which the
 * providers reserve in full when the call arrives.
 */
export function estimateRequestTokens(request: Pick<ModelRequest, 'system' | 'messages' | 'maxOutputTokens'>): number {
  return estimateInputTokens(request) + outputReservation(request);
}

/** The key demand of a request: its estimated tokens, and which part of them is the output. */
export function estimateRequestDemand(request: Pick<ModelRequest, 'system' | 'messages' | 'maxOutputTokens'>): KeyDemand {
  const outputTokens = outputReservation(request);
  return { tokens: estimateInputTokens(request) + outputTokens, outputTokens };
}

function estimateInputTokens(request: Pick<ModelRequest, 'system' | 'messages'>): number {
  let characters = request.system?.length ?? 0;
  for (const message of request.messages) characters += message.content.length;
  return tokensOfCharacters(characters);
}

/** Tokens that many characters of prompt take, as lldflow estimates them everywhere (pacing, projected costs). */
export function tokensOfCharacters(characters: number): number {
  return Math.ceil(Math.max(0, characters) / CHARACTERS_PER_TOKEN);
}

function outputReservation(request: Pick<ModelRequest, 'maxOutputTokens'>): number {
  const { maxOutputTokens } = request;
  return maxOutputTokens !== undefined && Number.isFinite(maxOutputTokens) && maxOutputTokens > 0 ? Math.ceil(maxOutputTokens) : 0;
}
