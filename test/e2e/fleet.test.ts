import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeHttpServer } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';
import { Redis } from 'ioredis';
import { everythingIn } from '../../src/redis/testing/redis-contents.js';
import { startRedisServer, type RedisServer } from '../../src/redis/testing/redis-server.js';
import { CliProcess, count } from '../support/cli-process.js';
import { answeredCalls, approvingResponder, classifyCall, holdingReviews } from '../support/lld-responder.js';
import { keyConcurrency } from '../support/key-concurrency.js';

/**
 * The fleet end to end: a real Redis, worker processes and a submitter, all the real CLI, against a
 * local OpenAI-compatible server.
 */

const KEYS = ['one', 'two', 'three', 'four', 'five', 'six'].map((name) => `sk-fleet-key-${name}-0001`).join(',');
let redis: RedisServer;
let server: FakeHttpServer | undefined;
const workers: CliProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis.stop();
});

afterEach(async () => {
  for (const worker of workers.splice(0)) {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  await server?.close();
  server = undefined;
});

function modelEnv(keys = KEYS): Record<string, string | undefined> {
  return { ...ISOLATED_GIT_ENV, OPENAI_BASE_URL: server?.baseUrl, OPENAI_API_KEYS: keys, OPENAI_API_KEY: undefined };
}

function startWorker(cwd: string, parallel = 2, lockSeconds = 2, keys = KEYS): CliProcess {
  const worker = new CliProcess(['worker', '--engine', redis.url, '--parallel', String(parallel), '--lock-duration', String(lockSeconds)], {
    cwd,
    env: modelEnv(keys),
  });
  workers.push(worker);
  return worker;
}

function submit(repo: string, items: string, extra: string[] = []): CliProcess {
  return new CliProcess(
    [
      'requirements',
      '--repo',
      repo,
      '--source',
      items,
      '--all',
      '--engine',
      redis.url,
      '--drafter',
      'openai:test-drafter',
      '--reviewer',
      'openai:test-reviewer',
      ...extra,
    ],
    // The submitter holds no key: the workers call the models.
    { cwd: repo, env: { ...ISOLATED_GIT_ENV, OPENAI_API_KEYS: undefined, OPENAI_API_KEY: undefined } },
  );
}

describe('fleet: workers on one Redis run a submitter’s items', () => {
  it('two workers run every item; the submitter shows their output and writes each LLD and its lineage', async () => {
    const { repo, items } = temporaryRepository(['1', '2', '3', '4']);
    server = await fakeOpenAIServer({ respond: approvingResponder, latencyMs: 50 });
    const first = startWorker(repo);
    const second = startWorker(repo);
    await first.waitFor((output) => output.includes('on redis://'));
    await second.waitFor((output) => output.includes('on redis://'));

    const run = submit(repo, items, ['--parallel', '4']);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);
    expect(count(run.stdout, /running on worker /)).toBe(4);
    expect(readdirSync(join(repo, 'docs', 'lld', 'active')).sort()).toEqual(['LLD-001.md', 'LLD-002.md', 'LLD-003.md', 'LLD-004.md']);
    expect(readFileSync(join(repo, 'docs', 'lld', 'active', 'LLD-001.md'), 'utf8')).toContain('Approved');
    expect(readdirSync(join(repo, 'docs', 'lineage', 'active'))).toHaveLength(4);
    expect(count(first.stdout + second.stdout, /\] succeeded/)).toBe(4);
    // Keys never enter Redis: not in the jobs, their progress, the checkpoints or the key ledger.
    const client = new Redis(redis.port, '127.0.0.1');
    try {
      const stored = await everythingIn(client);
      // The jobs are there (with their results), so this looks at what the fleet wrote.
      expect(stored.includes('lldflow:bull:items:')).toBe(true);
      for (const key of KEYS.split(',')) expect(stored.includes(key), key).toBe(false);
    } finally {
      await client.quit();
    }
    for (const key of KEYS.split(',')) expect(run.stdout + run.stderr + first.stdout + second.stdout).not.toContain(key);
  }, 120_000);

  it('a worker killed with SIGKILL mid-run: its items resume on the others; the caps hold fleet-wide', async () => {
    const ids = ['1', '2', '3', '4', '5', '6'];
    const { repo, items } = temporaryRepository(ids);
    // Fleet cap 4 on six keys: the cap, not the keys, is what holds the calls back, so a fifth in flight would show.
    const gauge = keyConcurrency({ enough: 5, holdMs: 300 });
    server = await fakeOpenAIServer({ respond: (request) => gauge.around(request.apiKey ?? '', () => approvingResponder(request)) });
    const doomed = startWorker(repo);
    await doomed.waitFor((output) => output.includes('on redis://'));
    const run = submit(repo, items, ['--parallel', '4', '--per-key-concurrency', '1']);
    await doomed.waitFor((output) => count(output, /\] taken/) >= 2);
    const survivors = [startWorker(repo), startWorker(repo)];
    await server.waitForRequests(4);
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);
    for (const id of ids) expect(readFileSync(join(repo, 'docs', 'lld', 'active', `LLD-00${id}.md`), 'utf8')).toContain('Approved');
    expect(gauge.most.overall).toBeLessThanOrEqual(4);
    expect(gauge.most.perKey).toBe(1);
    // Repeated: at most the calls the dead worker had in flight (two items at once).
    const answered = answeredCalls(server.requests);
    const repeats = [...answered.values()].reduce((total, times) => total + times - 1, 0);
    expect(repeats).toBeLessThanOrEqual(2);
    expect(count(survivors.map((worker) => worker.stdout).join(''), /\] succeeded/)).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('Ctrl+C on the submitter stops the fleet’s work (exit 130); running it again finishes with no completed call repeated', async () => {
    const ids = ['1', '2', '3', '4'];
    const { repo, items } = temporaryRepository(ids);
    // Reviews are held until after Ctrl+C: every call the server answered was then committed by its worker.
    const reviews = holdingReviews();
    server = await fakeOpenAIServer({ latencyMs: 20, respond: reviews.respond });
    startWorker(repo);
    startWorker(repo);
    const first = submit(repo, items, ['--parallel', '2']);
    await first.waitFor((output) => count(output, /review round 1 with/) >= 2);
    // Both drafts answered and both reviews held at the server: the line is printed before its request arrives.
    await server.waitForRequests(4);
    const pressedAt = Date.now();
    first.child.kill('SIGINT');
    expect((await first.exited).code, first.stdout + first.stderr).toBe(130);
    expect(Date.now() - pressedAt).toBeLessThan(5000);
    // The workers let go of the held calls: the fleet's work stopped, not only the submitter.
    const model = server;
    const heldReviews = model.requests.flatMap((record, index) =>
      classifyCall({ body: record.body, apiKey: record.apiKey, headers: {}, path: record.path }).step.startsWith('review') ? [index] : [],
    );
    expect(await Promise.all(heldReviews.map((index) => model.waitForOutcome(index)))).toEqual(['client-closed', 'client-closed']);
    reviews.release();

    const second = submit(repo, items, ['--parallel', '2']);
    expect((await second.exited).code, second.stdout + second.stderr).toBe(0);
    expect(count(second.stdout, /resuming at review \(1 model call already done\)/)).toBe(2);
    const answered = answeredCalls(server.requests);
    for (const [call, times] of answered) expect(times, call).toBe(1);
    for (const id of ids) expect(readFileSync(join(repo, 'docs', 'lld', 'active', `LLD-00${id}.md`), 'utf8')).toContain('Approved');
  }, 180_000);

  it('--detach enqueues and returns; status --engine shows queued, then finished items and their worker; a later run takes the outputs', async () => {
    const { repo, items } = temporaryRepository(['1', '2']);
    server = await fakeOpenAIServer({ respond: approvingResponder, latencyMs: 20 });
    const detached = submit(repo, items, ['--detach']);
    expect((await detached.exited).code, detached.stdout + detached.stderr).toBe(0);
    expect(detached.stdout).toContain('submitted 2 items to the fleet at redis://127.0.0.1:');
    const queued = new CliProcess(['status', '--repo', repo, '--engine', redis.url, '--json'], { cwd: repo });
    expect((await queued.exited).code).toBe(0);
    const waiting = (JSON.parse(queued.stdout) as { items: Array<{ id: string; state: string }> }).items;
    expect(waiting.map((item) => [item.id, item.state]).sort()).toEqual([
      ['1', 'waiting'],
      ['2', 'waiting'],
    ]);

    // Nobody would run them yet, and the submitter says so.
    const planned = submit(repo, items, ['--dry-run']);
    expect((await planned.exited).code).toBe(0);
    expect(planned.stdout).toContain('warning: no lldflow worker is connected to redis://127.0.0.1:');

    const worker = startWorker(repo);
    await worker.waitFor((output) => count(output, /\] succeeded/) >= 2);
    const finished = new CliProcess(['status', '--repo', repo, '--engine', redis.url], { cwd: repo });
    expect((await finished.exited).code).toBe(0);
    expect(count(finished.stdout, /completed +\S+:\d+ +succeeded/)).toBe(2);

    // The same command again follows nothing new: it takes the finished jobs' outputs.
    const collect = submit(repo, items);
    expect((await collect.exited).code, collect.stdout + collect.stderr).toBe(0);
    expect(readdirSync(join(repo, 'docs', 'lld', 'active')).sort()).toEqual(['LLD-001.md', 'LLD-002.md']);
    expect(server.requests).toHaveLength(4);
  }, 120_000);

  it('SIGTERM on a worker hands its items back at once: another worker resumes them from their checkpoints', async () => {
    const { repo, items } = temporaryRepository(['1', '2']);
    const reviews = holdingReviews();
    server = await fakeOpenAIServer({ latencyMs: 20, respond: reviews.respond });
    // A lock of a minute: only a hand-back, not the lock's expiry, can move the items on within the test.
    const stopping = startWorker(repo, 2, 60);
    const run = submit(repo, items, ['--parallel', '2']);
    await run.waitFor((output) => count(output, /review round 1 with/) >= 2);
    stopping.child.kill('SIGTERM');
    expect((await stopping.exited).code).toBe(0);
    reviews.release();
    const taker = startWorker(repo, 2, 60);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);
    expect(count(run.stdout, /resuming at review \(1 model call already done\)/)).toBe(2);
    expect(count(taker.stdout, /\] succeeded/)).toBe(2);
  }, 120_000);

  it('a 429 on one worker rests that key for every worker', async () => {
    const ids = ['1', '2', '3', '4'];
    const { repo, items } = temporaryRepository(ids);
    // Two keys: while the first rests, every worker has to wait for it or use the second.
    const keys = KEYS.split(',').slice(0, 2).join(',');
    const [restedKey] = keys.split(',');
    let rateLimitedAt: number | undefined;
    server = await fakeOpenAIServer({
      latencyMs: 100,
      respond: (request) => {
        if (rateLimitedAt === undefined && request.apiKey === restedKey) {
          rateLimitedAt = Date.now();
          return { status: 429, retryAfterSeconds: 3 };
        }
        return approvingResponder(request);
      },
    });
    startWorker(repo, 2, 2, keys);
    startWorker(repo, 2, 2, keys);
    const run = submit(repo, items, ['--parallel', '4']);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);
    expect(rateLimitedAt).toBeDefined();
    const onRestedKey = server.requests.filter((record) => record.apiKey === restedKey).map((record) => record.receivedAt);
    // The 429 itself, then nothing on that key from either worker until its rest is over.
    expect(onRestedKey.filter((at) => at > rateLimitedAt! && at < rateLimitedAt! + 2_900)).toEqual([]);
    expect(run.stdout).toMatch(/rate limited \(HTTP 429\)/);
  }, 120_000);
});
