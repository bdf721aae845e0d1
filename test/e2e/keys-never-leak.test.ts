import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeHttpServer, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import type { RunSummary } from '../../src/core/items.js';
import { CliProcess } from '../support/cli-process.js';
import { approvingResponder, classifyCall } from '../support/lld-responder.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';

const KEYS = ['sk-leakcheck-alpha-1a2b3c4d5e', 'sk-leakcheck-beta-9z8y7x6w5v'];
const ECHO = 'This draft was written with the API key';
let server: FakeHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (name === '.git') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('API keys never appear in any output', () => {
  it('not in stdout, stderr, logs, checkpoints, run summaries, lineage or LLDs — even when the provider echoes them', async () => {
    const { repo, items } = temporaryRepository(['1', '2', '3']);
    let first429 = true;
    server = await fakeOpenAIServer({
      latencyMs: 20,
      respond: (request: FakeRequest) => {
        const call = classifyCall(request);
        // A 429 on the first call makes the pool rotate keys; item 3's review fails with an error that quotes the key,
        // after its draft was checkpointed, so a checkpoint database stays behind to be searched too.
        if (first429) {
          first429 = false;
          return { status: 429, retryAfterMs: 200, message: `Rate limit reached for key ${request.apiKey ?? ''}` };
        }
        if (call.itemId === '3' && call.step.startsWith('review'))
          return { status: 401, message: `Incorrect API key provided: ${request.apiKey ?? ''}` };
        // A successful draft that echoes the key it was called with, in a section no check reads.
        const reply = approvingResponder(request);
        if (call.step !== 'draft' || !('text' in reply)) return reply;
        return { ...reply, text: reply.text.replace('No new inputs.', `No new inputs. ${ECHO} ${request.apiKey ?? ''}.`) };
      },
    });
    const run = new CliProcess(
      [
        'requirements',
        '--repo',
        repo,
        '--source',
        items,
        '--all',
        '--parallel',
        '3',
        '--debug',
        '--drafter',
        'openai:leak-drafter',
        '--reviewer',
        'openai:leak-reviewer',
      ],
      {
        cwd: repo,
        env: { ...ISOLATED_GIT_ENV, OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEYS: KEYS.join(','), OPENAI_API_KEY: undefined },
      },
    );
    const exit = await run.exited;
    expect(exit.code, run.stdout + run.stderr).toBe(1);
    const status = new CliProcess(['status', '--repo', repo, '--json'], { cwd: repo });
    await status.exited;

    // The keys really were used and echoed back, so the checks below are meaningful.
    expect(new Set(server.requests.map((request) => request.apiKey))).toEqual(new Set(KEYS));
    const summaryFile = readdirSync(join(repo, '.lldflow', 'runs')).find((name) => name.endsWith('.json'))!;
    const summary = JSON.parse(readFileSync(join(repo, '.lldflow', 'runs', summaryFile), 'utf8')) as RunSummary;
    expect(summary.items.find((item) => item.id === '3')?.error).toMatch(/Incorrect API key provided: openai#\d+\b/);
    expect(run.stdout + run.stderr).toMatch(/openai#\d rate limited/);

    const written = filesUnder(repo).map((path) => ({ path, content: readFileSync(path).toString('latin1') }));
    expect(written.some((file) => file.path.endsWith('.sqlite'))).toBe(true);
    expect(written.some((file) => file.path.endsWith('.log'))).toBe(true);
    // The run's events file, with the key events of the 429 and the rejected key, is searched too.
    expect(written.some((file) => file.path.endsWith('.events.ndjson') && file.content.includes('"kind":"set-aside"'))).toBe(true);
    // The echoed key was redacted where the answer entered lldflow: the LLDs, their lineage and item 3's checkpoint
    // hold the sentence with the key's masked name.
    const echoed = new RegExp(`${ECHO} openai#[12]\\.`);
    const holdingEcho = written.filter((file) => echoed.test(file.content)).map((file) => relative(repo, file.path));
    expect(
      holdingEcho.filter((path) => /^docs\/lld\/.*1.*\.md$/.test(path)),
      holdingEcho.join('\n'),
    ).not.toEqual([]);
    expect(
      holdingEcho.filter((path) => /^docs\/lld\/.*2.*\.md$/.test(path)),
      holdingEcho.join('\n'),
    ).not.toEqual([]);
    expect(
      holdingEcho.filter((path) => path.startsWith('docs/lineage/')),
      holdingEcho.join('\n'),
    ).not.toEqual([]);
    expect(
      holdingEcho.filter((path) => path.endsWith('.sqlite') || path.includes('.sqlite-')),
      holdingEcho.join('\n'),
    ).not.toEqual([]);
    // The answer was redacted where it entered lldflow, not only where it is written: the reviews and revisions quote
    // the draft to the models (another provider, maybe) with the masked name, and the key travels in headers only.
    const bodies = server.requests.map((request) => JSON.stringify(request.body));
    expect(bodies.some((body) => echoed.test(body))).toBe(true);
    for (const key of KEYS) {
      for (const body of bodies) expect(body.includes(key), `${key} in a request body`).toBe(false);
      expect(run.stdout).not.toContain(key);
      expect(run.stderr).not.toContain(key);
      expect(status.stdout + status.stderr).not.toContain(key);
      for (const file of written) expect(file.content.includes(key), `${key} in ${file.path}`).toBe(false);
    }
  });

  it('a key shorter than 8 characters exits 2 before anything runs, naming the variable and not the values', async () => {
    const { repo, items } = temporaryRepository(['1']);
    server = await fakeOpenAIServer({ respond: approvingResponder });
    const args = ['requirements', '--repo', repo, '--source', items, '--all', '--drafter', 'openai:d', '--reviewer', 'openai:r'];
    const run = new CliProcess(args, {
      cwd: repo,
      env: { ...ISOLATED_GIT_ENV, OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEYS: 'a,b', OPENAI_API_KEY: undefined },
    });
    const exit = await run.exited;

    expect(exit.code, run.stdout + run.stderr).toBe(2);
    // The whole message, so neither value can hide in it.
    expect(run.stderr).toBe('lldflow: OPENAI_API_KEYS: keys 1, 2 of 2 are shorter than 8 characters, too short to be an API key\n');
    expect(run.stdout).toBe('');
    expect(server.requests).toEqual([]);
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);
  });
});
