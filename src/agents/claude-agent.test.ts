import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { listenOnLoopback } from '../providers/testing/listen-on-loopback.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { KeyPool } from '../keys/key-pool.js';
import { SecretRedactor } from '../keys/redact.js';
import { resolveSandbox } from '../process/sandbox.js';
import { sharedDirectFetch } from '../providers/http-stack.js';
import { fakeAnthropicServer } from '../providers/testing/fake-anthropic-server.js';
import type { FakeHttpServer } from '../providers/testing/fake-http-server.js';
import { ClaudeAgent } from './claude-agent.js';
import type { AgentTurnRequest } from './coding-agent.js';
import { processesLeftAfter, processesNaming } from '../process/testing/processes-naming.js';
import { stopsRun } from '../core/errors.js';
import { scriptedAgentModel } from './testing/scripted-agent-model.js';

const KEY = 'sk-ant-test-agent-key-0123456789';

describe('ClaudeAgent', () => {
  let server: FakeHttpServer | undefined;
  const folders: string[] = [];
  afterEach(async () => {
    await server?.close();
    for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
  });

  it('runs Claude Code in the sandbox: it writes in the worktree, through the proxy, with a pooled key', async () => {
    const worktree = await mkdtemp(join(tmpdir(), 'lldflow-agent-worktree-'));
    const state = await mkdtemp(join(tmpdir(), 'lldflow-agent-state-'));
    folders.push(worktree, state);
    server = await fakeAnthropicServer({
      respond: scriptedAgentModel(({ step }) =>
        step === 0
          ? { text: 'Writing the file.', toolUses: [{ name: 'Write', input: { file_path: join(worktree, 'hello.txt'), content: 'hi\n' } }] }
          : { text: 'Done.' },
      ),
    });
    const pool = new KeyPool({ provider: 'anthropic', keys: [KEY], perKeyConcurrency: 1, clock: systemClock });
    const lines: string[] = [];
    const sessions: string[] = [];
    const result = await agentOn(server, pool, state).runTurn({
      ...turnRequest(worktree),
      signal: new AbortController().signal,
      onSession: (id) => {
        sessions.push(id);
        return Promise.resolve();
      },
      log: (line) => lines.push(line),
    });
    expect(await readFile(join(worktree, 'hello.txt'), 'utf8')).toBe('hi\n');
    expect(result.ending).toBe('completed');
    expect(result.text).toBe('Done.');
    expect(sessions).toEqual([result.sessionId]);
    expect(lines).toContain(`agent: Write ${join(worktree, 'hello.txt')}`);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.every((record) => record.apiKey === KEY)).toBe(true);
  }, 60_000);

  it('confines the agent: no write outside the worktree, no network but the proxy, no variable of the user', async () => {
    const worktree = await mkdtemp(join(tmpdir(), 'lldflow-agent-worktree-'));
    const state = await mkdtemp(join(tmpdir(), 'lldflow-agent-state-'));
    const outside = await mkdtemp(join(tmpdir(), 'lldflow-agent-outside-'));
    folders.push(worktree, state, outside);
    const host = createServer((_request, response) => response.end('reached'));
    const hostPort = await listenOnLoopback(host);
    const escape = [
      `echo escaped > ${join(outside, 'escaped.txt')}`,
      `node -e "fetch('http://127.0.0.1:${hostPort}').then(() => console.log('host reached'), () => console.log('host unreachable'))" > network.txt`,
      'env > env.txt',
    ].join('; ');
    server = await fakeAnthropicServer({
      respond: scriptedAgentModel(({ step }) =>
        step === 0 ? { text: 'Trying.', toolUses: [{ name: 'Bash', input: { command: escape, description: 'try' } }] } : { text: 'Done.' },
      ),
    });
    const pool = new KeyPool({ provider: 'anthropic', keys: [KEY], perKeyConcurrency: 1, clock: systemClock });
    process.env.LLDFLOW_TEST_USER_VARIABLE = 'users-own-value';
    try {
      await agentOn(server, pool, state).runTurn({ ...turnRequest(worktree), signal: new AbortController().signal });
    } finally {
      delete process.env.LLDFLOW_TEST_USER_VARIABLE;
      await new Promise<void>((resolve) => host.close(() => resolve()));
    }
    expect(existsSync(join(outside, 'escaped.txt'))).toBe(false);
    expect(await readFile(join(worktree, 'network.txt'), 'utf8')).toBe('host unreachable\n');
    const env = await readFile(join(worktree, 'env.txt'), 'utf8');
    expect(env).toContain('ANTHROPIC_BASE_URL=http://127.0.0.1:');
    expect(env).toMatch(/^ANTHROPIC_API_KEY=lldflow-/m);
    expect(env).not.toContain(KEY);
    expect(env).not.toContain('users-own-value');
  }, 60_000);

  it("every key rejected: the turn fails with the pool's error, which stops the run, after a request per key", async () => {
    const worktree = await mkdtemp(join(tmpdir(), 'lldflow-agent-worktree-'));
    const state = await mkdtemp(join(tmpdir(), 'lldflow-agent-state-'));
    folders.push(worktree, state);
    server = await fakeAnthropicServer({ respond: () => ({ status: 401, message: 'invalid x-api-key' }) });
    const pool = new KeyPool({ provider: 'anthropic', keys: [KEY], perKeyConcurrency: 1, clock: systemClock });
    const failure = await agentOn(server, pool, state)
      .runTurn({ ...turnRequest(worktree), signal: new AbortController().signal })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/every anthropic key is set aside: anthropic#1 rejected \(401/);
    expect(stopsRun(failure)).toBe(true);
    expect(server.requests).toHaveLength(1);
  }, 60_000);

  it('an aborted turn rejects with the reason, returns its lease and leaves no process of the agent behind', async () => {
    const worktree = await mkdtemp(join(tmpdir(), 'lldflow-agent-worktree-'));
    const state = await mkdtemp(join(tmpdir(), 'lldflow-agent-state-'));
    folders.push(worktree, state);
    server = await fakeAnthropicServer({ respond: () => ({ hang: true }) });
    const pool = new KeyPool({ provider: 'anthropic', keys: [KEY], perKeyConcurrency: 1, clock: systemClock });
    const agent = agentOn(server, pool, state);
    const controller = new AbortController();
    const turn = agent.runTurn({ ...turnRequest(worktree), signal: controller.signal });
    await server.waitForRequests(1);
    expect(await processesNaming(state, { environment: true })).not.toEqual([]);
    controller.abort(new Error('stopped by the test'));
    await expect(turn).rejects.toThrow('stopped by the test');
    // The lease is back: the key can be leased at once.
    const lease = await pool.acquire(new AbortController().signal);
    lease.release(true);
    // The agent's processes end after the SDK's grace period (bubblewrap names the state folder, Claude Code has it as CLAUDE_CONFIG_DIR).
    expect(await processesLeftAfter(state, 10_000, { environment: true })).toEqual([]);
  }, 60_000);
});

function agentOn(fake: FakeHttpServer, pool: KeyPool, state: string): ClaudeAgent {
  return new ClaudeAgent({
    model: 'claude-sonnet-4-5',
    sandbox: { sandbox: resolveSandbox('auto', { env: process.env }), network: false, readable: [], hidden: [] },
    stateDirectory: () => state,
    access: {
      kind: 'keys',
      pooled: {
        protocol: 'anthropic',
        upstream: fake.baseUrl.replace(/\/v1$/, ''),
        pool,
        fetch: sharedDirectFetch(),
        clock: systemClock,
        redactor: new SecretRedactor([{ value: KEY, name: 'anthropic#1' }]),
      },
    },
    env: process.env,
  });
}

function turnRequest(worktree: string): Omit<AgentTurnRequest, 'signal'> {
  return {
    itemId: '7',
    worktree,
    repository: worktree,
    prompt: 'Write hello.txt',
    instructions: 'Only write what you are asked.',
    sessionId: undefined,
    sessionCostUsd: 0,
    maxBudgetUsd: undefined,
    onSession: () => Promise.resolve(),
    log: () => undefined,
  };
}
