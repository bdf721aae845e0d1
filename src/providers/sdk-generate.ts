import { APICallError, streamText, type LanguageModel, type LanguageModelUsage, type OutputInterface } from 'ai';
import { abortReason } from '../core/abort.js';
import { ModelCallError, TransientModelError } from '../model-call/errors.js';
import type { CallObserver, ModelReply, ModelRequest } from '../model-call/model-client.js';
import type { FetchFunction } from './http-stack.js';
import type { Endpoint } from './endpoint.js';
import { translateSdkError } from './sdk-errors.js';
import { translateStreamError } from './stream-errors.js';

export type { FetchFunction } from './http-stack.js';

export interface HttpTransportOptions {
  model: string;
  /** The API root the SDK appends its paths to. Default: the provider's official endpoint. */
  baseUrl?: string;
  /** The variable `baseUrl` comes from (`OPENAI_BASE_URL`), for messages; the registry passes it. */
  baseUrlVariable?: string;
  /** Default: a direct connection (sharedDirectFetch); the registry passes the run's HTTP stack. */
  fetch?: FetchFunction;
  /** Wall-clock now, for `retry-after` HTTP dates. Default Date.now. */
  now?: () => number;
}

export interface SdkCallOptions {
  label: string;
  signal: AbortSignal;
  /** Extra provider settings (`{ openai: { … } }`). */
  providerOptions?: Parameters<typeof streamText>[0]['providerOptions'];
  now?: () => number;
  /** Where the call goes, for connection failures. */
  endpoint?: Endpoint;
  /** Told of every part of the stream, and of the response headers (the SDK hands them over with the step's end, or with its error). */
  observer?: CallObserver;
}

/**
 * One streamed call (`streamText`) with the SDK's own retries off (the key pool decides about retries
 * and waits), errors translated to the transport contract, and the reply reduced to text, usage and
 * model. Streamed so that a long answer keeps bytes flowing (the stall time-out watches them) and a
 * proxy that cuts idle connections never sees one.
 */
export async function streamWithSdk(model: LanguageModel, request: ModelRequest, options: SdkCallOptions): Promise<ModelReply> {
  silenceSdkWarnings();
  const { signal, observer } = options;
  let text = '';
  let usage: LanguageModelUsage | undefined;
  let modelId: string | undefined;
  let finishReason: string | undefined;
  try {
    const result = streamText({
      model,
      system: request.system,
      messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
      maxOutputTokens: request.maxOutputTokens,
      maxRetries: 0,
      abortSignal: signal,
      providerOptions: options.providerOptions,
      ...(request.jsonSchema ? { output: rawJsonOutput(request.jsonSchema) } : {}),
      // Failures arrive as `error` parts below; the default handler would print them to the console.
      onError: () => undefined,
      // Raw chunks include the provider's keep-alive events (Anthropic's `ping`), which the stall time-out counts.
      includeRawChunks: observer !== undefined,
    });
    for await (const part of result.fullStream) {
      observer?.onBytes();
      if (part.type === 'text-delta') text += part.text;
      else if (part.type === 'finish-step') {
        modelId = part.response.modelId;
        if (part.response.headers) observer?.onResponse({ status: 200, headers: part.response.headers });
      } else if (part.type === 'finish') {
        usage = part.totalUsage;
        finishReason = part.rawFinishReason;
      } else if (part.type === 'error') throw part.error;
      else if (part.type === 'abort') throw abortReason(signal);
    }
  } catch (error) {
    if (APICallError.isInstance(error) && error.statusCode !== undefined && error.responseHeaders) {
      observer?.onResponse({ status: error.statusCode, headers: error.responseHeaders });
    }
    const context = { label: options.label, signal, nowMs: (options.now ?? Date.now)(), endpoint: options.endpoint };
    throw translateStreamError(error, context) ?? translateSdkError(error, context);
  }
  if (signal.aborted) throw abortReason(signal);
  // The provider names why it stopped in its last event: without one, the stream was cut off.
  if (finishReason === undefined) {
    if (text === '')
      throw new ModelCallError('malformed-response', `${options.label}: the response could not be read (no answer in the stream)`);
    throw new TransientModelError(`${options.label}: the answer ended before the model finished it`, undefined);
  }
  return {
    text,
    usage: { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 },
    model: modelId ?? (typeof model === 'string' ? model : model.modelId),
  };
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
