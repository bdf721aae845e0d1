import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TransientModelError } from '../model-call/errors.js';
import { connectionFailure } from './endpoint.js';
import { OpenAITransport } from './openai-transport.js';
import { ModelRegistry } from './resolve-model.js';
import { InstantClock } from './testing/instant-clock.js';
import { WITHOUT_PROXY } from './testing/without-proxy.js';

/** A loopback port nothing listens on: one the system just handed out, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function request() {
  return {
    role: 'drafter',
    trace: { itemId: '7', step: 'draft-1' },
    messages: [{ role: 'user' as const, content: 'Write it.' }],
    signal: new AbortController().signal,
  };
}

describe('a refused connection', () => {
  it.each([
    ['openai', 'openai:gpt-4.1', 'OPENAI_BASE_URL', 'OPENAI_API_KEY'],
    ['anthropic', 'anthropic:claude-sonnet-4-5', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY'],
    ['google', 'google:gemini-2.5-pro', 'GEMINI_BASE_URL', 'GEMINI_API_KEY'],
  ])('through the %s SDK names the address and the variable that set it', async (_provider, spec, baseVariable, keyVariable) => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    const registry = new ModelRegistry({
      env: { ...WITHOUT_PROXY, [baseVariable]: baseUrl, [keyVariable]: 'test-key-refused-0001' },
      clock: new InstantClock(),
      perKeyConcurrency: 1,
    });
    const failure = await registry
      .client(spec, '--drafter')
      .complete(request())
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain(`${spec}: connection refused at ${baseUrl} (${baseVariable})`);
  });

  it('from a transport given its address directly names the address alone', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    const transport = new OpenAITransport({ model: 'local', baseUrl });
    const failure = await transport.call(request(), undefined, new AbortController().signal).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientModelError);
    expect((failure as Error).message).toBe(`openai:local: connection refused at ${baseUrl}`);
  });

  it('at the default address says which variable points elsewhere', () => {
    expect(connectionFailure('openai:gpt-4.1', 'ENOTFOUND', { url: 'https://api.openai.com/v1', variable: 'OPENAI_BASE_URL' })).toBe(
      'openai:gpt-4.1: host not found at https://api.openai.com/v1 (the default; OPENAI_BASE_URL sets another)',
    );
    expect(connectionFailure('openai:gpt-4.1', 'ECONNREFUSED', undefined)).toBe('openai:gpt-4.1: connection failed (ECONNREFUSED)');
  });
});
