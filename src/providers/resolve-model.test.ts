import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { ModelCallError } from '../model-call/errors.js';
import { ModelRegistry, parseModelSpec } from './resolve-model.js';
import type { FakeHttpServer } from './testing/fake-http-server.js';
import { fakeOpenAIServer } from './testing/fake-openai-server.js';
import { InstantClock } from './testing/instant-clock.js';

describe('parseModelSpec', () => {
  it('splits provider and model at the first colon', () => {
    expect(parseModelSpec('anthropic:claude-sonnet-4-5')).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(parseModelSpec('openai:llama3.1:8b')).toEqual({ provider: 'openai', model: 'llama3.1:8b' });
    expect(parseModelSpec('replay:demo/recordings')).toEqual({ provider: 'replay', model: 'demo/recordings' });
    expect(parseModelSpec('claude-cli:opus')).toEqual({ provider: 'claude-cli', model: 'opus' });
  });

  it.each(['gpt-4o', 'azure:gpt-4o', 'openai:', ':gpt-4o', ''])('rejects %j naming the value and the providers', (spec) => {
    expect(() => parseModelSpec(spec, '--drafter')).toThrow(UsageError);
    expect(() => parseModelSpec(spec, '--drafter')).toThrow(`invalid --drafter ${JSON.stringify(spec)}`);
    expect(() => parseModelSpec(spec)).toThrow('anthropic, google, openai, claude-cli, replay');
  });
});

describe('ModelRegistry', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('names the environment variables when a provider has no key', () => {
    const registry = new ModelRegistry({ env: {}, clock: new FakeClock(), perKeyConcurrency: 1 });
    expect(() => registry.client('anthropic:claude-sonnet-4-5')).toThrow(ConfigurationError);
    expect(() => registry.client('anthropic:claude-sonnet-4-5')).toThrow(/ANTHROPIC_API_KEYS .*ANTHROPIC_API_KEY/);
    expect(() => registry.client('google:gemini-2.5-pro')).toThrow(/GEMINI_API_KEYS .*GEMINI_API_KEY/);
    expect(() => registry.client('openai:gpt-4o')).toThrow(/OPENAI_API_KEYS .*OPENAI_API_KEY.*OPENAI_BASE_URL/);
  });

  it('lets OpenAI go keyless when OPENAI_BASE_URL is set', () => {
    const registry = new ModelRegistry({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }, clock: new FakeClock(), perKeyConcurrency: 1 });
    expect(registry.client('openai:llama3').label).toBe('openai:llama3');
  });

  it('lists every configured key by masked name for redaction', () => {
    const registry = new ModelRegistry({
      env: {
        ANTHROPIC_API_KEYS: 'ant-key-one, ant-key-two',
        GEMINI_API_KEY: 'gem-key-one',
        OPENAI_API_KEYS: '',
        OPENAI_API_KEY: 'oai-key-one',
      },
      clock: new FakeClock(),
      perKeyConcurrency: 1,
    });
    expect(registry.secrets()).toEqual([
      { value: 'ant-key-one', name: 'anthropic#1' },
      { value: 'ant-key-two', name: 'anthropic#2' },
      { value: 'gem-key-one', name: 'google#1' },
      { value: 'oai-key-one', name: 'openai#1' },
    ]);
  });

  it('refuses a key shorter than 8 characters before any client is built, naming the variable and not the values', () => {
    const build = (env: Record<string, string>) => () => new ModelRegistry({ env, clock: new FakeClock(), perKeyConcurrency: 1 });
    expect(build({ OPENAI_API_KEYS: 'a,b' })).toThrow(ConfigurationError);
    expect(build({ OPENAI_API_KEYS: 'a,b' })).toThrow(/^OPENAI_API_KEYS: keys 1, 2 of 2 are shorter than 8 characters/);
    // Whichever provider the run uses: the run's one redactor holds every configured key.
    expect(build({ ANTHROPIC_API_KEY: 'sk-ant-long-enough', GEMINI_API_KEYS: 'gem-key-1,g2' })).toThrow(
      /^GEMINI_API_KEYS: key 2 of 2 is shorter/,
    );
    let message = '';
    try {
      build({ OPENAI_API_KEYS: 'qz,wx' })();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('OPENAI_API_KEYS');
    expect(message).not.toMatch(/qz|wx/);
  });

  it('fails an answer above maxAnswerBytes as a named ModelCallError', async () => {
    const server: FakeHttpServer = await fakeOpenAIServer({ respond: () => ({ text: 'y'.repeat(300) }) });
    cleanups.push(() => server.close());
    const registry = new ModelRegistry({
      env: { OPENAI_API_KEY: 'only-key-1234', OPENAI_BASE_URL: server.baseUrl },
      clock: new InstantClock(),
      perKeyConcurrency: 1,
      maxAnswerBytes: 200,
    });
    const error = await registry
      .client('openai:gpt-4o')
      .complete({
        role: 'drafter',
        trace: { itemId: '1', step: 'draft-1' },
        messages: [{ role: 'user', content: 'hi' }],
        signal: new AbortController().signal,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('answer-too-large');
    expect((error as Error).message).toBe('openai:gpt-4o answered 300 bytes, above the limit of 200 bytes for one answer');
  });

  it('shares one key pool between all clients of a provider', async () => {
    const server: FakeHttpServer = await fakeOpenAIServer({ respond: () => ({ hang: true }) });
    cleanups.push(() => server.close());
    const clock = new InstantClock();
    const registry = new ModelRegistry({
      env: { OPENAI_API_KEY: 'only-key-1234', OPENAI_BASE_URL: server.baseUrl },
      clock,
      perKeyConcurrency: 1,
    });
    const drafter = registry.client('openai:gpt-4o');
    const reviewer = registry.client('openai:gpt-4.1');
    expect(registry.client('openai:gpt-4o')).toBe(drafter);
    const controller = new AbortController();
    const signal = controller.signal;
    const request = {
      role: 'drafter',
      trace: { itemId: '1', step: 'draft-1' },
      messages: [{ role: 'user' as const, content: 'hi' }],
      signal,
    };
    const waits: string[] = [];

    const first = drafter.complete(request).catch((caught: unknown) => caught);
    await server.waitForRequests(1);
    const second = reviewer
      .complete({ ...request, role: 'reviewer' }, { log: (line) => waits.push(line) })
      .catch((caught: unknown) => caught);
    await new Promise((resolve) => setImmediate(resolve));

    // One key, one call at a time: the reviewer waits for the drafter's lease.
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([expect.stringContaining('waiting for a free openai key (1 key: 1 busy')]);
    controller.abort(new Error('stop'));
    await Promise.all([first, second]);
  });

  it('refuses a replay folder that does not exist, as a configuration error naming it', () => {
    const registry = new ModelRegistry({ env: {}, clock: new FakeClock(), perKeyConcurrency: 1, replayBaseDir: tmpdir() });
    expect(() => registry.client('replay:no-such-recordings-here')).toThrow(ConfigurationError);
    expect(() => registry.client('replay:no-such-recordings-here')).toThrow('no-such-recordings-here');
  });

  it('resolves replay folders against replayBaseDir and sizes the synthetic pool from replay.json', async () => {
    const base = await mkdtemp(join(tmpdir(), 'lldflow-registry-'));
    cleanups.push(() => rm(base, { recursive: true, force: true }));
    await mkdir(join(base, 'recordings', '42'), { recursive: true });
    await writeFile(join(base, 'recordings', '42', 'draft-1.md'), '# Recorded');
    await writeFile(join(base, 'recordings', 'replay.json'), JSON.stringify({ keys: 1 }));
    const registry = new ModelRegistry({ env: {}, clock: new FakeClock(), perKeyConcurrency: 1, replayBaseDir: base });

    const client = registry.client('replay:recordings');
    const response = await client.complete({
      role: 'drafter',
      trace: { itemId: '42', step: 'draft-1' },
      messages: [{ role: 'user', content: 'x' }],
      signal: new AbortController().signal,
    });
    const missing = await client
      .complete({
        role: 'drafter',
        trace: { itemId: '42', step: 'review-1' },
        messages: [{ role: 'user', content: 'x' }],
        signal: new AbortController().signal,
      })
      .catch((caught: unknown) => caught);

    expect(response.text).toBe('# Recorded');
    expect(response.keyName).toBe('replay#1');
    expect((missing as ModelCallError).reason).toBe('no-recording');
    expect((missing as Error).message).toContain(join(base, 'recordings'));
  });
});
