import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingProxy } from './testing/counting-proxy.js';
import { fakeAnthropicServer } from './testing/fake-anthropic-server.js';
import { fakeGeminiServer } from './testing/fake-gemini-server.js';
import type { FakeHttpServer } from './testing/fake-http-server.js';
import { fakeOpenAIServer } from './testing/fake-openai-server.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
/** By URL, as the CLI's end-to-end tests load it. */
const TSX_LOADER = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const CALL_PROVIDERS = fileURLToPath(new URL('./testing/call-providers.ts', import.meta.url));

let dir: string;
let caFile: string;
let servers: FakeHttpServer[] = [];
let proxy: CountingProxy;

/** A CA of its own and a certificate it signed for 127.0.0.1, as a company's TLS-inspecting proxy or internal gateway has. */
async function makeCertificates(): Promise<{ key: string; cert: string }> {
  dir = await mkdtemp(join(tmpdir(), 'lldflow-tls-'));
  const file = (name: string): string => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=lldflow test CA',
  ]);
  await run('openssl', ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1']);
  await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  ]);
  caFile = file('ca.pem');
  return { key: await readFile(file('server.key'), 'utf8'), cert: await readFile(file('server.pem'), 'utf8') };
}

beforeAll(async () => {
  const tls = await makeCertificates();
  servers = await Promise.all(
    [fakeOpenAIServer, fakeAnthropicServer, fakeGeminiServer].map((start) => start({ tls, respond: () => ({ text: 'over TLS' }) })),
  );
  proxy = await new CountingProxy().start();
}, 30_000);

afterAll(async () => {
  await Promise.all([...servers.map((server) => server.close()), proxy?.close()]);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** One call per provider from a fresh Node process with only `env` (and PATH) in its environment. */
async function callFromChild(env: Record<string, string>): Promise<Array<{ provider: string; text?: string; error?: string }>> {
  const [openai, anthropic, google] = servers.map((server) => server.baseUrl);
  const { stdout } = await run(
    process.execPath,
    ['--import', TSX_LOADER, CALL_PROVIDERS, `openai=${openai!}`, `anthropic=${anthropic!}`, `google=${google!}`],
    { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
  );
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { provider: string; text?: string; error?: string });
}

const answered = ['openai', 'anthropic', 'google'].map((provider) => ({ provider, text: 'over TLS' }));

describe('HTTPS to a server whose certificate a private CA signed', () => {
  it('completes every provider call when NODE_EXTRA_CA_CERTS names the CA', async () => {
    expect(await callFromChild({ NODE_EXTRA_CA_CERTS: caFile })).toEqual(answered);
  });

  it('fails every call with a certificate error without it', async () => {
    const results = await callFromChild({});

    expect(results.map((result) => result.provider)).toEqual(['openai', 'anthropic', 'google']);
    for (const result of results) expect(result.error, result.provider).toMatch(/certificate/i);
  });

  it('tunnels every call through the proxy https_proxy or HTTPS_PROXY names, lowercase first', async () => {
    const targets = servers.map((server) => new URL(server.baseUrl).host);

    expect(await callFromChild({ NODE_EXTRA_CA_CERTS: caFile, HTTPS_PROXY: proxy.url })).toEqual(answered);
    expect(await callFromChild({ NODE_EXTRA_CA_CERTS: caFile, https_proxy: proxy.url, HTTPS_PROXY: 'http://127.0.0.1:9' })).toEqual(
      answered,
    );

    expect(targets.map((target) => proxy.countFor(target))).toEqual([2, 2, 2]);
    expect(proxy.records.every((record) => record.kind === 'connect')).toBe(true);
  });
});
