import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeHttpServer } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import type { RunSummary } from '../../src/core/items.js';
import { CliProcess, count } from '../support/cli-process.js';
import { answeredCalls, approvingResponder, holdingReviews } from '../support/lld-responder.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';

const ITEMS = ['1', '2', '3', '4'];
let server: FakeHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function runRequirements(repo: string, items: string, baseUrl: string, extra: string[] = []): CliProcess {
  return new CliProcess(
    [
      'requirements',
      '--repo',
      repo,
      '--source',
      items,
      '--all',
      '--parallel',
      '2',
      '--drafter',
      'openai:test-drafter',
      '--reviewer',
      'openai:test-reviewer',
      ...extra,
    ],
    {
      cwd: repo,
      env: { ...ISOLATED_GIT_ENV, OPENAI_BASE_URL: baseUrl, OPENAI_API_KEYS: 'sk-e2e-key-one,sk-e2e-key-two', OPENAI_API_KEY: undefined },
    },
  );
}

function lldFiles(repo: string): Record<string, string> {
  const folder = join(repo, 'docs', 'lld', 'active');
  return Object.fromEntries(readdirSync(folder).map((name) => [name, readFileSync(join(folder, name), 'utf8')]));
}

function latestSummary(repo: string): RunSummary {
  const folder = join(repo, '.lldflow', 'runs');
  const names = readdirSync(folder).sort();
  return JSON.parse(readFileSync(join(folder, names.at(-1)!), 'utf8')) as RunSummary;
}

async function referenceRun(): Promise<Record<string, string>> {
  const reference = temporaryRepository(ITEMS);
  const model = await fakeOpenAIServer({ respond: approvingResponder, latencyMs: 50 });
  try {
    const run = runRequirements(reference.repo, reference.items, model.baseUrl);
    expect((await run.exited).code).toBe(0);
    return lldFiles(reference.repo);
  } finally {
    await model.close();
  }
}

describe('requirements: interrupted runs resume without repeating completed model calls', () => {
  it('Ctrl+C (real SIGINT): cancels queued items, checkpoints running ones, exits 130; the re-run finishes everything', async () => {
    const expected = await referenceRun();
    const { repo, items } = temporaryRepository(ITEMS);
    server = await fakeOpenAIServer({ respond: approvingResponder, latencyMs: 400 });

    const first = runRequirements(repo, items, server.baseUrl);
    // Both running items have a committed draft and are waiting on their reviewer.
    await first.waitFor((output) => count(output, /review round 1 with/) >= 2);
    const pressedAt = Date.now();
    first.child.kill('SIGINT');
    const exit = await first.exited;
    expect(exit.code).toBe(130);
    expect(Date.now() - pressedAt).toBeLessThan(5000);

    const interrupted = latestSummary(repo);
    expect(interrupted.items.filter((item) => item.status === 'interrupted').map((item) => item.id)).toEqual(['1', '2']);
    expect(interrupted.items.filter((item) => item.status === 'cancelled').map((item) => item.id)).toEqual(['3', '4']);
    expect(interrupted.retryCommand).toContain('--issue 1,2,3,4');
    for (const id of ['1', '2']) expect(existsSync(join(repo, '.lldflow', 'checkpoints', `lld-${id}.sqlite`))).toBe(true);

    const second = runRequirements(repo, items, server.baseUrl);
    const secondExit = await second.exited;
    expect(secondExit.code, second.stdout + second.stderr).toBe(0);
    expect(count(second.stdout, /resuming at review \(1 model call already done\)/)).toBe(2);
    expect(lldFiles(repo)).toEqual(expected);
    for (const [call, times] of answeredCalls(server.requests)) expect(times, call).toBe(1);
    expect(readdirSync(join(repo, '.lldflow', 'checkpoints')).filter((name) => name.endsWith('.sqlite'))).toEqual([]);
  });

  it('kill -9 mid-run: the re-run resumes from the last committed step and ends with the same LLDs', async () => {
    const expected = await referenceRun();
    const { repo, items } = temporaryRepository(ITEMS);
    // Review replies are held until after the kill, so every call the server answered was also committed
    // by the client: a repeat can then only mean lldflow redid a completed call.
    const reviews = holdingReviews();
    server = await fakeOpenAIServer({ latencyMs: 100, respond: reviews.respond });
    const first = runRequirements(repo, items, server.baseUrl);
    await first.waitFor((output) => count(output, /review round 1 with/) >= 2);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    reviews.release();

    // A killed run leaves `running` checkpoints: --retry-failed takes them as interrupted and resumes them.
    const second = runRequirements(repo, items, server.baseUrl, ['--retry-failed']);
    expect((await second.exited).code, second.stdout + second.stderr).toBe(0);
    expect(count(second.stdout, /resuming at review \(1 model call already done\)/)).toBe(2);
    const third = runRequirements(repo, items, server.baseUrl);
    expect((await third.exited).code, third.stdout + third.stderr).toBe(0);
    expect(lldFiles(repo)).toEqual(expected);
    for (const [call, times] of answeredCalls(server.requests)) expect(times, call).toBe(1);
    expect([...answeredCalls(server.requests).keys()].sort()).toEqual(ITEMS.flatMap((id) => [`${id}/draft`, `${id}/review-1`]).sort());
  });
});
