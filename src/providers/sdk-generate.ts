import { generateText, type LanguageModel, type OutputInterface } from 'ai';
import { ModelCallError } from '../model-call/errors.js';
import type { ModelReply, ModelRequest } from '../model-call/model-client.js';
import { translateSdkError } from './sdk-errors.js';

/** What `fetch` the SDK providers use; injectable so tests and callers can supply their own. */
export type FetchFunction = typeof globalThis.fetch;

export interface HttpTransportOptions {
  model: string;
  /** The API root the SDK appends its paths to. Default: the provider's official endpoint. */
  baseUrl?: string;
  fetch?: FetchFunction;
  /** Wall-clock now, for `retry-after` HTTP dates. Default Date.now. */
  now?: () => number;
}

export interface SdkCallOptions {
  label: string;
  signal: AbortSignal;
  /** Extra provider settings (`{ openai: { … } }`). */
  providerOptions?: Parameters<typeof generateText>[0]['providerOptions'];
  now?: () => number;
}

/**
 * One `generateText` call with the SDK's own retries off (the key pool decides about retries and
 * waits), errors translated to the transport contract, and the reply reduced to text, usage and model.
 */
export async function generateWithSdk(model: LanguageModel, request: ModelRequest, options: SdkCallOptions): Promise<ModelReply> {
  silenceSdkWarnings();
  try {
    const result = await generateText({
      model,
      system: request.system,
      messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
      maxOutputTokens: request.maxOutputTokens,
      maxRetries: 0,
      abortSignal: options.signal,
      providerOptions: options.providerOptions,
      ...(request.jsonSchema ? { output: rawJsonOutput(request.jsonSchema) } : {}),
    });
    return {
      text: result.text,
      usage: { inputTokens: result.usage.inputTokens ?? 0, outputTokens: result.usage.outputTokens ?? 0 },
      model: result.response.modelId,
    };
  } catch (error) {
    throw translateSdkError(error, { label: options.label, signal: options.signal, nowMs: (options.now ?? Date.now)() });
  }
}

/**
 * Asks for JSON with the provider's structured-output feature (OpenAI `response_format: json_schema`,
 * Gemini `responseMimeType` + `responseSchema`, Anthropic `output_config.format` or its JSON tool)
 * but hands the text back unparsed: callers validate it and ask again once, as the design says.
 * The SDK's own `Output.object` would instead throw on an answer that does not fit the schema.
 */
function rawJsonOutput(jsonSchema: NonNullable<ModelRequest['jsonSchema']>): OutputInterface<string, string, never> {
  return {
    name: 'raw-json',
    responseFormat: Promise.resolve({ type: 'json', schema: jsonSchema.schema, name: jsonSchema.name }),
    parseCompleteOutput: ({ text }) => Promise.resolve(text),
    parsePartialOutput: ({ text }) => Promise.resolve({ partial: text }),
    createElementStreamTransform: () => undefined,
  };
}

/**
 * The SDK prints provider warnings (an unsupported setting, a schema it simplified) with console.warn,
 * which would break lldflow's prefixed output; its only switch is this global. A value someone set on
 * purpose (false or a function) is kept.
 */
function silenceSdkWarnings(): void {
  const holder = globalThis as { AI_SDK_LOG_WARNINGS?: unknown };
  if (holder.AI_SDK_LOG_WARNINGS === undefined) holder.AI_SDK_LOG_WARNINGS = false;
}

/** Anthropic and Gemini need a key; without one the SDK would quietly read process.env instead. */
export function requireKey(label: string, apiKey: string | undefined): string {
  if (apiKey === undefined || apiKey === '') throw new ModelCallError('authentication', `${label}: no API key was leased for this call`);
  return apiKey;
}

/**
 * One SDK model per key, built on first use: building the provider and model on every call costs more
 * CPU than the rest of the call's client-side work, on the event loop every running item shares.
 */
export function perKey<Model>(build: (apiKey: string) => Model): (apiKey: string) => Model {
  const models = new Map<string, Model>();
  return (apiKey) => {
    let model = models.get(apiKey);
    if (model === undefined) {
      model = build(apiKey);
      models.set(apiKey, model);
    }
    return model;
  };
}
