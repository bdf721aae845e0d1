import { AnthropicTransport } from '../anthropic-transport.js';
import { GoogleTransport } from '../google-transport.js';
import { createHttpStack } from '../http-stack.js';
import type { ProviderTransport } from '../../model-call/model-client.js';
import { OpenAITransport } from '../openai-transport.js';

/**
 * One call to each provider named on the command line (`openai=<baseUrl> anthropic=<baseUrl> …`),
 * in a process of its own, through an HTTP stack built from this process's environment: how tests
 * show what NODE_EXTRA_CA_CERTS (read only when Node starts) and the proxy variables change. Prints
 * one JSON line per call: `{ provider, text }` or `{ provider, error }`.
 */
const transports: Record<string, (baseUrl: string, fetch: typeof globalThis.fetch) => ProviderTransport> = {
  openai: (baseUrl, fetch) => new OpenAITransport({ model: 'gpt-4o', baseUrl, fetch }),
  anthropic: (baseUrl, fetch) => new AnthropicTransport({ model: 'claude-sonnet-4-5', baseUrl, fetch }),
  google: (baseUrl, fetch) => new GoogleTransport({ model: 'gemini-2.5-flash', baseUrl, fetch }),
};

const fetch = createHttpStack({ env: process.env });
for (const argument of process.argv.slice(2)) {
  const separator = argument.indexOf('=');
  const provider = argument.slice(0, separator);
  const build = transports[provider];
  if (build === undefined) throw new Error(`unknown provider ${provider}`);
  const signal = new AbortController().signal;
  const request = {
    role: 'drafter',
    trace: { itemId: '1', step: 'draft-1' },
    messages: [{ role: 'user' as const, content: 'hi' }],
    signal,
  };
  try {
    const reply = await build(argument.slice(separator + 1), fetch).call(request, 'test-key-of-the-child', signal);
    process.stdout.write(`${JSON.stringify({ provider, text: reply.text })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ provider, error: error instanceof Error ? error.message : String(error) })}\n`);
  }
}
