import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeHttpServer, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import { ISOLATED_GIT_ENV } from '../../src/git/testing/temporary-repository.js';
import { startRedisServer, type RedisServer } from '../../src/redis/testing/redis-server.js';
import { CliProcess, count } from '../support/cli-process.js';
import { implementerCall, implementerResponder, implementRepository } from '../support/implement-fixtures.js';

/**
 * Implement on the fleet: a bare origin, a submitter's repository and workers' clones of it, a real
 * Redis, the real CLI for every process, the real sandbox for the test runs.
 */

const KEYS = 'sk-fleet-impl-one-0001,sk-fleet-impl-two-0002';
let redis: RedisServer;
let server: FakeHttpServer | undefined;
const processes: CliProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis.stop();
});

afterEach(async () => {
  for (const running of processes.splice(0)) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  await server?.close();
  server = undefined;
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...ISOLATED_GIT_ENV } }).trim();
}

/** The submitter's repository with approved designs, pushed to a bare origin, and a clone per worker. */
function fleetRepositories(ids: string[], workers: number): { submitter: string; origin: string; clones: string[] } {
  const submitter = implementRepository(ids);
  const base = dirname(submitter);
  const origin = join(base, 'origin.git');
  git(base, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  git(submitter, 'remote', 'add', 'origin', origin);
  git(submitter, 'push', '--quiet', '--set-upstream', 'origin', 'HEAD');
  const clones = Array.from({ length: workers }, () => {
    const clone = join(mkdtempSync(join(base, 'worker-')), 'clone');
    git(base, 'clone', '--quiet', origin, clone);
    return clone;
  });
  return { submitter, origin, clones };
}

function modelEnv(): Record<string, string | undefined> {
  return { ...ISOLATED_GIT_ENV, OPENAI_BASE_URL: server?.baseUrl, OPENAI_API_KEYS: KEYS, OPENAI_API_KEY: undefined };
}

function startWorker(clone: string, parallel = 2): CliProcess {
  const worker = new CliProcess(
    ['worker', '--engine', redis.url, '--parallel', String(parallel), '--lock-duration', '2', '--repo', clone],
    { cwd: clone, env: modelEnv() },
  );
  processes.push(worker);
  return worker;
}

function submit(repo: string, extra: string[] = []): CliProcess {
  const run = new CliProcess(
    ['implement', '--repo', repo, '--all', '--parallel', '2', '--implementer', 'openai:test-implementer', '--engine', redis.url, ...extra],
    { cwd: repo, env: modelEnv() },
  );
  processes.push(run);
  return run;
}

function callOf(request: Pick<FakeRequest, 'body'>): string {
  const body = request.body as { messages?: Array<{ role: string; content: string }> };
  const call = implementerCall(body.messages?.find((message) => message.role === 'user')?.content ?? '');
  return `${call.itemId}/${call.phase}-${call.iteration}`;
}

function answeredCalls(model: FakeHttpServer): string[] {
  return model.requests.filter((request) => request.outcome === 'answered').map(callOf);
}

/** Each item's branch on origin: tests first, then the code, then the report, each commit once. */
function expectImplementedOnOrigin(origin: string, ids: string[]): void {
  for (const id of ids) {
    const subjects = git(origin, 'log', '--format=%s', `${id}-implementation`).split('\n');
    expect(subjects.slice(0, 3)).toEqual([
      `${id}: implement LLD-${id} (lldflow)`,
      `${id}: tests pass (lldflow)`,
      `${id}: tests for LLD-${id} (lldflow)`,
    ]);
    expect(git(origin, 'show', `${id}-implementation:docs/reports/active/${id}-implementation-report.md`)).toContain(
      '**Outcome:** Succeeded',
    );
    expect(git(origin, 'show', `${id}-implementation:src/feature-${id}.js`)).toContain(`ok ${id}`);
  }
}

describe('fleet: implement items run on workers with a clone, and their branches come back', () => {
  it('two workers implement every item; branches are pushed to origin and fetched by the submitter, the lineage written there', async () => {
    const ids = ['1', '2', '3'];
    const { submitter, origin, clones } = fleetRepositories(ids, 2);
    server = await fakeOpenAIServer({ respond: implementerResponder, latencyMs: 20 });
    const workers = clones.map((clone) => startWorker(clone));
    for (const worker of workers) await worker.waitFor((output) => output.includes('implement items of'));

    const run = submit(submitter);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);
    expect(count(run.stdout, /running on worker /)).toBe(3);
    expectImplementedOnOrigin(origin, ids);
    for (const id of ids) {
      // The submitter has the branch, at origin's commit, and the lineage of the item's run.
      expect(git(submitter, 'rev-parse', `${id}-implementation`)).toBe(git(origin, 'rev-parse', `${id}-implementation`));
      const runs = readdirSync(join(submitter, 'docs', 'lineage', 'active', `${id}-implement`));
      expect(runs).toHaveLength(1);
      expect(readdirSync(join(submitter, 'docs', 'lineage', 'active', `${id}-implement`, runs[0]!))).toEqual(
        expect.arrayContaining(['001-lld.md', '005-red-run.md']),
      );
    }
    // Worker clones stay clean: the lineage went back to the submitter, the worktrees are lldflow's (ignored).
    for (const clone of clones) expect(git(clone, 'status', '--porcelain')).toBe('');
    expect(answeredCalls(server).sort()).toEqual(ids.flatMap((id) => [`${id}/code-1`, `${id}/tests-0`]).sort());

    // Done is seen from the branches the submitter fetched: nothing runs again.
    const again = submit(submitter);
    expect((await again.exited).code, again.stdout + again.stderr).toBe(0);
    expect(count(again.stdout + again.stderr, /skip/)).toBeGreaterThanOrEqual(3);
    expect(answeredCalls(server)).toHaveLength(6);
    for (const key of KEYS.split(',')) expect(run.stdout + run.stderr + workers.map((worker) => worker.stdout).join('')).not.toContain(key);
  }, 180_000);

  it('a worker killed mid-item: another worker resumes it from its pushed commits; no answered call is repeated', async () => {
    const ids = ['1', '2'];
    const { submitter, origin, clones } = fleetRepositories(ids, 2);
    let holding = true;
    const held: Array<() => void> = [];
    server = await fakeOpenAIServer({
      respond: async (request) => {
        if (holding && callOf(request).includes('/code-')) await new Promise<void>((release) => held.push(release));
        return implementerResponder(request);
      },
    });
    const doomed = startWorker(clones[0]!);
    await doomed.waitFor((output) => output.includes('implement items of'));
    const run = submit(submitter);
    // Both items wrote their tests (committed and pushed) and wait on their code call on the doomed worker.
    await server.waitForRequests(4);
    expect(server.requests.map(callOf).filter((call) => call.includes('/code-'))).toHaveLength(2);
    const survivor = startWorker(clones[1]!);
    await survivor.waitFor((output) => output.includes('implement items of'));
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    holding = false;
    for (const release of held.splice(0)) release();

    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);
    expect(count(survivor.stdout, /\] taken/)).toBe(2);
    expect(count(run.stdout + run.stderr, /resuming at /)).toBe(2);
    expectImplementedOnOrigin(origin, ids);
    // The tests were written once, by the dead worker; only its in-flight code calls were asked again.
    const answered = answeredCalls(server);
    for (const id of ids) expect(answered.filter((call) => call === `${id}/tests-0`)).toHaveLength(1);
    for (const id of ids) expect(git(origin, 'log', '--format=%s', `${id}-implementation`)).not.toMatch(/tests for .*\n.*tests for/s);
  }, 180_000);
});
