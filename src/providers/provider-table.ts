import type { ProviderTransport } from '../model-call/model-client.js';
import { LazyTransport } from './lazy-transport.js';
import type { HttpTransportOptions } from './sdk-generate.js';

/** Everything lldflow knows about a provider it calls over HTTP with pooled API keys. */
export interface HttpProvider {
  /** For messages: `OpenAI`. */
  title: string;
  /** Where its keys come from: the comma list first, then the single key. */
  keyVariables: readonly [plural: string, singular: string];
  /** Where its API root may be overridden (a proxy, an OpenAI-compatible server, a test server). */
  baseUrlVariable: string;
  /** Whether a run may go without a key once the base URL is set (a local server needs none). */
  keylessWithBaseUrl: boolean;
  transport(options: HttpTransportOptions): ProviderTransport;
}

/** The one table of keyed providers: `--drafter anthropic:…`, `google:…`, `openai:…`. */
export const HTTP_PROVIDERS = {
  anthropic: {
    title: 'Anthropic',
    keyVariables: ['ANTHROPIC_API_KEYS', 'ANTHROPIC_API_KEY'],
    baseUrlVariable: 'ANTHROPIC_BASE_URL',
    keylessWithBaseUrl: false,
    transport: (options) =>
      new LazyTransport('anthropic', options.model, async () => new (await import('./anthropic-transport.js')).AnthropicTransport(options)),
  },
  google: {
    title: 'Gemini',
    keyVariables: ['GEMINI_API_KEYS', 'GEMINI_API_KEY'],
    baseUrlVariable: 'GEMINI_BASE_URL',
    keylessWithBaseUrl: false,
    transport: (options) =>
      new LazyTransport('google', options.model, async () => new (await import('./google-transport.js')).GoogleTransport(options)),
  },
  openai: {
    title: 'OpenAI',
    keyVariables: ['OPENAI_API_KEYS', 'OPENAI_API_KEY'],
    baseUrlVariable: 'OPENAI_BASE_URL',
    keylessWithBaseUrl: true,
    transport: (options) =>
      new LazyTransport('openai', options.model, async () => new (await import('./openai-transport.js')).OpenAITransport(options)),
  },
} as const satisfies Record<string, HttpProvider>;

export type HttpProviderName = keyof typeof HTTP_PROVIDERS;

/** Every provider `<provider>:<model>` may name: the keyed HTTP ones, the claude CLI, recorded replies. */
export const PROVIDERS = [...(Object.keys(HTTP_PROVIDERS) as HttpProviderName[]), 'claude-cli', 'replay'] as const;

export function isHttpProvider(name: string): name is HttpProviderName {
  return Object.hasOwn(HTTP_PROVIDERS, name);
}
