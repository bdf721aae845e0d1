import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { GitHubIssueSource } from '../items/github-issues.js';
import { FakeGitHubServer } from '../items/testing/fake-github-server.js';
import { createHttpStack, proxySettings } from './http-stack.js';
import { CountingProxy } from './testing/counting-proxy.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe('proxySettings', () => {
  it('reads the lowercase variable first, as curl and undici do, and sets every field', () => {
    expect(
      proxySettings({
        http_proxy: 'http://lower.example:3128',
        HTTP_PROXY: 'http://upper.example:3128',
        HTTPS_PROXY: 'https://secure.example:3129',
        NO_PROXY: 'localhost,.internal.example',
      }),
    ).toEqual({
      httpProxy: 'http://lower.example:3128',
      httpsProxy: 'https://secure.example:3129',
      noProxy: 'localhost,.internal.example',
    });
    expect(proxySettings({})).toEqual({ httpProxy: '', httpsProxy: '', noProxy: '' });
  });

  it('takes an empty value as unset, so it can turn off an uppercase one', () => {
    expect(proxySettings({ https_proxy: '', HTTPS_PROXY: 'http://proxy.example:3128', HTTP_PROXY: '  ' })).toEqual({
      httpProxy: '',
      httpsProxy: '',
      noProxy: '',
    });
  });

  it('refuses a proxy that is not an http(s) URL, naming the variable but not its password', () => {
    for (const [name, value] of [
      ['HTTPS_PROXY', 'proxy.example:3128'],
      ['http_proxy', 'socks5://proxy.example:1080'],
      ['HTTP_PROXY', 'not a url'],
    ] as const) {
      expect(() => proxySettings({ [name]: value }), name).toThrow(ConfigurationError);
      expect(() => proxySettings({ [name]: value }), name).toThrow(new RegExp(`^${name} is not an http:// or https:// proxy URL`));
    }
    expect(() => proxySettings({ HTTPS_PROXY: 'user:s3cret-pass@proxy.example:3128' })).toThrow(/\*\*\*@proxy\.example:3128/);
    expect(() => proxySettings({ HTTPS_PROXY: 'socks://user:s3cret-pass@proxy.example' })).not.toThrow(/s3cret/);
  });
});

/** A server whose `/stream` sends one chunk, then the rest once `release()` is called. */
async function chunkedServer(): Promise<{ url: string; release: () => void }> {
  let release = (): void => undefined;
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith('/limited')) {
      response
        .writeHead(429, { 'content-type': 'application/json', 'x-ratelimit-remaining-requests': '0', 'x-request': request.url })
        .end('{"error":{}}');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain', 'x-ratelimit-remaining-requests': '41', 'x-request': request.url ?? '' });
    response.write('first ');
    release = () => response.end('and the rest');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, release: () => release() };
}

describe('createHttpStack', () => {
  it('hands the response over as its headers arrive, its body still streaming', async () => {
    const { url, release } = await chunkedServer();
    const response = await createHttpStack({ env: {} })(`${url}/stream`);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('41');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(new TextDecoder().decode(first.value) + rest).toBe('first and the rest');
  });

  it('hands error responses over with the url and status the SDKs read', async () => {
    const { url } = await chunkedServer();
    const response = await createHttpStack({ env: {} })(`${url}/limited`);
    expect(response.status).toBe(429);
    expect(response.url).toBe(`${url}/limited`);
    expect(await response.json()).toEqual({ error: {} });
  });

  it('takes a Request object as well as a URL, as fetch does', async () => {
    const { url } = await chunkedServer();
    const response = await createHttpStack({ env: {} })(new Request(`${url}/limited?from-request`, { method: 'POST', body: '{}' }));
    expect(response.status).toBe(429);
    expect(response.headers.get('x-request')).toBe('/limited?from-request');
  });
});

describe('the HTTP stack through a proxy', () => {
  async function setUp(): Promise<{ proxy: CountingProxy; github: FakeGitHubServer }> {
    const proxy = await new CountingProxy().start();
    const github = await FakeGitHubServer.start();
    github.addIssue({ number: 1, title: 'Login' });
    cleanups.push(
      () => proxy.close(),
      () => github.close(),
    );
    return { proxy, github };
  }

  function issues(github: FakeGitHubServer, env: Record<string, string>): Promise<unknown> {
    const source = new GitHubIssueSource({
      owner: github.owner,
      repo: github.repo,
      token: github.token,
      baseUrl: github.baseUrl,
      retryBaseMs: 1,
      fetch: createHttpStack({ env }),
    });
    return source.listOpenIssues();
  }

  it('takes Octokit through HTTP_PROXY or http_proxy, and past it for a NO_PROXY host', async () => {
    const { proxy, github } = await setUp();
    const target = new URL(github.baseUrl).host;

    await issues(github, { HTTP_PROXY: proxy.url });
    await issues(github, { http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' });
    expect(proxy.countFor(target)).toBe(2);

    await issues(github, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect(proxy.countFor(target)).toBe(2);
    expect(github.requests.length).toBeGreaterThanOrEqual(3);
  });

  it('relays absolute-form requests too, as clients that do not tunnel send them', async () => {
    const { proxy, github } = await setUp();
    const target = new URL(github.baseUrl);

    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port: new URL(proxy.url).port,
        path: `${github.baseUrl}/repos/${github.owner}/${github.repo}/issues`,
        headers: { host: target.host, authorization: `token ${github.token}` },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('error', reject);
      request.end();
    });

    expect(status).toBe(200);
    expect(proxy.records).toEqual([{ kind: 'forward', target: target.host }]);
  });
});
