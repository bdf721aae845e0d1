import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeHttpServer, FakeReply, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';
import { startRedisServer, type RedisServer } from '../../src/redis/testing/redis-server.js';
import { CliProcess, count } from '../support/cli-process.js';
import { APPROVED_VERDICT } from '../support/lld-responder.js';

/**
 * `requirements --type issue` on the fleet, end to end: a real Redis, worker processes that have no
 * clone (they run in a folder of their own), and a submitter, all the real CLI, against a local
 * OpenAI-compatible server. The workers review; the submitter files and moves the briefs.
 */

const KEYS = ['one', 'two'].map((name) => `sk-fleet-issue-key-${name}-0001`).join(',');
const BRIEFS = { 'dark-mode': 'Dark mode', 'offline-sync': 'Offline sync' } as const;
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
  // Workers run until stopped; a submitter is normally over by now, but not after a failed assertion.
  for (const started of processes.splice(0)) {
    if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGTERM');
    await started.exited;
  }
  await server?.close();
  server = undefined;
});

/** Drafts a valid issue for any brief and approves it in the first round. */
function approvingIssues(request: FakeRequest): FakeReply {
  const body = request.body as { messages?: Array<{ role: string; content: string }> };
  const user = body.messages?.find((message) => message.role === 'user')?.content ?? '';
  const draft = /^Write a GitHub issue from the idea brief ".*" \(brief ([A-Za-z0-9_-]+)\)\./m.exec(user);
  if (draft) {
    const id = draft[1]!;
    return {
      text: `# Support ${id}\n\n## Problem\n\nUsers ask for ${id}.\n\n## Proposed Solution\n\nBuild ${id}.\n\n## Acceptance Criteria\n\n- [ ] Given ${id} is switched on, the page shows it\n`,
    };
  }
  if (/^Review round \d+: the issue drafted from brief /m.test(user)) return { text: APPROVED_VERDICT };
  return { status: 400, message: `unexpected call: ${user.slice(0, 80)}` };
}

/** A repository with two briefs in ideas/active/, and a folder elsewhere for the workers (which have no clone). */
function fleetSetup(): { repo: string; briefs: string; issues: string; elsewhere: string } {
  const { repo } = temporaryRepository([]);
  const { items: elsewhere } = temporaryRepository([]);
  const briefs = join(repo, 'ideas', 'active');
  mkdirSync(briefs, { recursive: true });
  for (const title of Object.values(BRIEFS))
    writeFileSync(join(briefs, `${title}.md`), `# ${title}\n\nPeople want ${title.toLowerCase()}.\n`);
  return { repo, briefs, issues: join(repo, 'issues'), elsewhere };
}

function startWorker(cwd: string): CliProcess {
  const worker = new CliProcess(['worker', '--engine', redis.url, '--parallel', '2', '--lock-duration', '2'], {
    cwd,
    env: { ...ISOLATED_GIT_ENV, OPENAI_BASE_URL: server?.baseUrl, OPENAI_API_KEYS: KEYS, OPENAI_API_KEY: undefined },
  });
  processes.push(worker);
  return worker;
}

function submit(setup: { repo: string; briefs: string; issues: string }, extra: string[] = []): CliProcess {
  const run = new CliProcess(
    [
      'requirements',
      '--type',
      'issue',
      '--repo',
      setup.repo,
      '--source',
      setup.briefs,
      '--issues-dir',
      setup.issues,
      '--all',
      '--engine',
      redis.url,
      '--drafter',
      'openai:test-drafter',
      '--reviewer',
      'openai:test-reviewer',
      ...extra,
    ],
    // The submitter holds no model key: the workers call the models.
    { cwd: setup.repo, env: { ...ISOLATED_GIT_ENV, OPENAI_API_KEYS: undefined, OPENAI_API_KEY: undefined } },
  );
  processes.push(run);
  return run;
}

/** The one run folder of an item's issue lineage in the submitter's repository, and its files. */
function lineageOf(repo: string, id: string): { folder: string; files: string[] } {
  const root = join(repo, 'docs', 'lineage', 'active', `${id}-issue`);
  const runs = readdirSync(root);
  expect(runs).toHaveLength(1);
  const folder = join(root, runs[0]!);
  return { folder, files: readdirSync(folder) };
}

/** What a finished item leaves on the submitter: its issue file, its brief in done/, final.md then approved.json then filed.json. */
function expectFiled(setup: { repo: string; briefs: string; issues: string }): void {
  expect(readdirSync(setup.issues).sort()).toEqual(['dark-mode.md', 'offline-sync.md']);
  expect(readdirSync(setup.briefs)).toEqual([]);
  expect(readdirSync(join(setup.repo, 'ideas', 'done')).sort()).toEqual(['Dark mode.md', 'Offline sync.md']);
  for (const id of Object.keys(BRIEFS)) {
    const issue = readFileSync(join(setup.issues, `${id}.md`), 'utf8');
    expect(issue).toContain(`# Support ${id}`);
    const { folder, files } = lineageOf(setup.repo, id);
    const closing = files.slice(-3);
    expect(closing.map((name) => name.replace(/^\d{3}-/, ''))).toEqual(['final.md', 'approved.json', 'filed.json']);
    expect(readFileSync(join(folder, closing[0]!), 'utf8')).toBe(issue);
    expect(JSON.parse(readFileSync(join(folder, closing[2]!), 'utf8'))).toMatchObject({
      id,
      status: 'approved',
      output: `issues/${id}.md`,
      filed: { output: `issues/${id}.md` },
    });
  }
}

describe('fleet: requirements --type issue', () => {
  it('workers review the briefs; the submitter files each approved issue into --issues-dir and moves its brief', async () => {
    const setup = fleetSetup();
    server = await fakeOpenAIServer({ respond: approvingIssues, latencyMs: 20 });
    const workers = [startWorker(setup.elsewhere), startWorker(setup.elsewhere)];
    for (const worker of workers) await worker.waitFor((output) => output.includes('on redis://'));

    const run = submit(setup, ['--parallel', '2']);
    expect((await run.exited).code, run.stdout + run.stderr).toBe(0);

    expect(count(run.stdout, /running on worker /)).toBe(2);
    expect(count(run.stdout, /filed: issues\/(dark-mode|offline-sync)\.md/)).toBe(2);
    const workerOutput = workers.map((worker) => worker.stdout).join('');
    expect(count(workerOutput, /\] succeeded/)).toBe(2);
    expectFiled(setup);
    // The run summary shows what a local run shows: the issue files.
    const [runFile] = readdirSync(join(setup.repo, '.lldflow', 'runs')).filter((name) => name.endsWith('.json'));
    const summary = JSON.parse(readFileSync(join(setup.repo, '.lldflow', 'runs', runFile!), 'utf8')) as {
      items: Array<{ id: string; status: string; output: string }>;
    };
    expect(summary.items.map(({ id, status, output }) => [id, status, output]).sort()).toEqual([
      ['dark-mode', 'succeeded', 'issues/dark-mode.md'],
      ['offline-sync', 'succeeded', 'issues/offline-sync.md'],
    ]);
    // The workers' folder holds nothing of the items.
    expect(readdirSync(setup.elsewhere)).toEqual([]);
    expect(server.requests).toHaveLength(4);
    for (const key of KEYS.split(',')) expect(run.stdout + run.stderr + workerOutput).not.toContain(key);
  }, 120_000);

  it('--detach: a worker approves the issues and files and moves nothing; a later submit takes the jobs, files them and moves the briefs', async () => {
    const setup = fleetSetup();
    server = await fakeOpenAIServer({ respond: approvingIssues, latencyMs: 20 });
    const detached = submit(setup, ['--detach']);
    expect((await detached.exited).code, detached.stdout + detached.stderr).toBe(0);
    expect(detached.stdout).toContain('submitted 2 items to the fleet at redis://127.0.0.1:');

    const worker = startWorker(setup.elsewhere);
    await worker.waitFor((output) => count(output, /\] succeeded/) >= 2);
    // The jobs are done, and only the submitter's repository could show their outputs: nothing is there yet.
    expect(readdirSync(setup.briefs).sort()).toEqual(['Dark mode.md', 'Offline sync.md']);
    expect(existsSync(setup.issues)).toBe(false);
    expect(existsSync(join(setup.repo, 'ideas', 'done'))).toBe(false);
    expect(existsSync(join(setup.repo, 'docs'))).toBe(false);
    expect(readdirSync(setup.elsewhere)).toEqual([]);

    const collect = submit(setup);
    expect((await collect.exited).code, collect.stdout + collect.stderr).toBe(0);
    expectFiled(setup);
    // Taken from the finished jobs: no model call was made again.
    expect(server.requests).toHaveLength(4);
    expect(count(worker.stdout, /\] taken/)).toBe(2);

    // Nothing is left to do: the briefs are done.
    const again = submit(setup);
    expect((await again.exited).code, again.stdout + again.stderr).toBe(0);
    expect(readdirSync(setup.issues).sort()).toEqual(['dark-mode.md', 'offline-sync.md']);
    expect(server.requests).toHaveLength(4);
  }, 120_000);
});
