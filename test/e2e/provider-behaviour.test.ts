import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requirementsInProcess, type InProcessRun } from '../../src/cli/testing/requirements-in-process.js';
import { temporaryRepository } from '../../src/git/testing/temporary-repository.js';
import type { FakeHttpServer, FakeReply, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { CountingProxy } from '../../src/providers/testing/counting-proxy.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import { approvingResponder } from '../support/lld-responder.js';

// Real `lldflow requirements` runs against a local OpenAI-compatible server that answers like the real
// API does for bad keys, accounts without quota, absurd waits and a mistyped model.

const REVOKED = 'sk-e2e-revoked-key-0001';
const NO_QUOTA = 'sk-e2e-no-quota-key-0002';
const GOOD = 'sk-e2e-good-key-0003';

const revoked: FakeReply = {
  status: 401,
  body: { error: { message: `Incorrect API key provided: ${REVOKED}.`, type: 'invalid_request_error', code: 'invalid_api_key' } },
};
const noQuota: FakeReply = {
  status: 429,
  headers: { 'x-should-retry': 'false' },
  body: {
    error: {
      message: 'You exceeded your current quota, please check your plan and billing details.',
      type: 'insufficient_quota',
      code: 'insufficient_quota',
    },
  },
};

let server: FakeHttpServer | undefined;
const folders: string[] = [];

afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function run(
  ids: string[],
  keys: string[],
  respond: (request: FakeRequest) => FakeReply,
  options: string[],
  models: { drafter?: string; reviewer?: string } = {},
  env: Record<string, string | undefined> = {},
): Promise<InProcessRun & { served: FakeHttpServer }> {
  server = await fakeOpenAIServer({ respond });
  const target = temporaryRepository(ids);
  folders.push(dirname(target.repo));
  const result = await requirementsInProcess({
    ...target,
    baseUrl: server.baseUrl,
    keys,
    drafter: models.drafter ?? 'openai:test-drafter',
    reviewer: models.reviewer ?? 'openai:test-reviewer',
    options: ['--type', 'lld', ...options],
    env,
  });
  return { ...result, served: server };
}

function byKey(request: FakeRequest): FakeReply {
  if (request.apiKey === REVOKED) return revoked;
  if (request.apiKey === NO_QUOTA) return noQuota;
  return approvingResponder(request);
}

function statuses(result: InProcessRun): Array<[string, string]> {
  return (result.summary?.items ?? []).map((item) => [item.id, item.status]);
}

function requestsFor(server: FakeHttpServer, key: string): number {
  return server.requests.filter((request) => request.apiKey === key).length;
}

describe('model calls that meet real provider behaviour', () => {
  it('sends every model call of a run through the proxy HTTP_PROXY names, and none when NO_PROXY names the host', async () => {
    const proxy = await new CountingProxy().start();
    try {
      const proxied = await run(
        ['1', '2'],
        [GOOD],
        approvingResponder,
        ['--parallel', '2'],
        {},
        { HTTP_PROXY: proxy.url, NO_PROXY: '', no_proxy: undefined },
      );
      expect(proxied.code, proxied.stderr).toBe(0);
      const target = new URL(proxied.served.baseUrl).host;
      expect(proxy.countFor(target)).toBeGreaterThan(0);
      // Every request reached the server over one of the proxy's own connections.
      expect(proxied.served.requests).toHaveLength(4);
      expect(
        proxied.served.requests.every((request) => request.remotePort !== undefined && proxy.upstreamPorts.has(request.remotePort)),
      ).toBe(true);
      await server?.close();

      const direct = await run(
        ['1', '2'],
        [GOOD],
        approvingResponder,
        ['--parallel', '2'],
        {},
        { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1', no_proxy: undefined },
      );
      expect(direct.code, direct.stderr).toBe(0);
      expect(proxy.countFor(new URL(direct.served.baseUrl).host)).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('sets a revoked key and a key without quota aside at once; every item succeeds on the good key', async () => {
    const result = await run(['1', '2', '3', '4'], [REVOKED, NO_QUOTA, GOOD], byKey, ['--parallel', '3']);
    expect(result.code, result.stderr).toBe(0);
    expect(statuses(result)).toEqual([
      ['1', 'succeeded'],
      ['2', 'succeeded'],
      ['3', 'succeeded'],
      ['4', 'succeeded'],
    ]);
    expect(requestsFor(result.served, REVOKED)).toBeLessThanOrEqual(2);
    expect(requestsFor(result.served, NO_QUOTA)).toBeLessThanOrEqual(2);
    expect(result.stderr.match(/openai#1 rejected \(401 invalid_api_key\): not used again this run/g)).toHaveLength(1);
    expect(result.stderr.match(/openai#2 out of quota \(429 insufficient_quota\): not used again this run/g)).toHaveLength(1);
    // The provider echoed the revoked key in its message: it is shown by name only.
    for (const key of [REVOKED, NO_QUOTA, GOOD]) expect(result.stdout + result.stderr).not.toContain(key);
  });

  it('fails every item at once when no key is usable, naming why, with one request per key', async () => {
    const result = await run(['1', '2', '3'], [REVOKED, NO_QUOTA], byKey, ['--parallel', '1']);
    expect(result.code).toBe(1);
    expect(statuses(result).map(([, status]) => status)).toEqual(['failed', 'failed', 'failed']);
    const [first, second] = result.summary!.items;
    expect(first!.error).toContain(
      'every openai key is set aside: openai#1 rejected (401 invalid_api_key), openai#2 out of quota (429 insufficient_quota)',
    );
    expect(second!.error).toMatch(/^not started: .*every openai key is set aside/);
    expect(result.served.requests).toHaveLength(2);
    expect(result.stderr.match(/stopping: /g)).toHaveLength(1);
  });

  it.each([
    ['retry-after: 86400', { 'retry-after': '86400' }],
    ['retry-after: a date in 2099', { 'retry-after': 'Thu, 01 Jan 2099 00:00:00 GMT' }],
  ])('fails now instead of waiting out the limit when every key is rate limited for a day (%s)', async (_name, headers) => {
    const result = await run(['1', '2'], ['sk-e2e-rested-key-0001', 'sk-e2e-rested-key-0002'], () => ({ status: 429, headers }), [
      '--parallel',
      '1',
    ]);
    expect(result.code).toBe(1);
    expect(result.summary!.items[0]!.error).toMatch(
      /^every openai key is rate limited: the earliest is free in ([\d.]+ (?:days?|years?)) \(the provider asked for \1\), beyond the longest wait for a key \(10 min\)$/,
    );
    // The second item's call finds both keys resting and fails without a request.
    expect(result.served.requests).toHaveLength(2);
    expect(result.stderr).toMatch(/openai#1 rate limited \(HTTP 429\): the provider asked for .*; resting 10 min \(the longest rest\)/);
  });

  it('rests a key that asked for an absurd wait at the cap and finishes on the other key', async () => {
    const absurd = 'sk-e2e-absurd-key-0001';
    const respond = (request: FakeRequest): FakeReply =>
      request.apiKey === absurd ? { status: 429, headers: { 'retry-after-ms': '1e20' } } : approvingResponder(request);
    const result = await run(['1', '2', '3'], [absurd, GOOD], respond, ['--parallel', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(requestsFor(result.served, absurd)).toBe(1);
    expect(result.stderr).not.toMatch(/resting \d{4,} min/);
  });

  it('stops the run once when the drafter names a model the provider does not know, naming where it was set', async () => {
    const respond = (request: FakeRequest): FakeReply => {
      const model = (request.body as { model?: string }).model;
      if (model === 'gpt-4.1x')
        return {
          status: 404,
          body: {
            error: {
              message: 'The model `gpt-4.1x` does not exist or you do not have access to it.',
              type: 'invalid_request_error',
              code: 'model_not_found',
            },
          },
        };
      return approvingResponder(request);
    };
    const result = await run(['1', '2', '3', '4', '5'], [GOOD, 'sk-e2e-good-key-0004'], respond, ['--parallel', '2'], {
      drafter: 'openai:gpt-4.1x',
    });
    expect(result.code).toBe(1);
    expect(statuses(result).every(([, status]) => status === 'failed')).toBe(true);
    // At most the calls already in flight when the first 404 came back.
    expect(result.served.requests.length).toBeLessThanOrEqual(2);
    const errors = result.summary!.items.map((item) => item.error ?? '');
    for (const error of errors) expect(error).toContain('openai:gpt-4.1x: the provider does not know this model (HTTP 404 model_not_found');
    for (const error of errors) expect(error).toContain('set by --drafter');
    expect(result.stderr.match(/stopping: /g)).toHaveLength(1);
  });
});
