import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { KeyPool } from '../keys/key-pool.js';
import { SecretRedactor } from '../keys/redact.js';
import { resolveSandbox } from '../process/sandbox.js';
import { sharedDirectFetch, type FetchFunction } from '../providers/http-stack.js';
import type { FakeHttpServer, FakeResponder } from '../providers/testing/fake-http-server.js';
import { fakeResponsesServer } from '../providers/testing/fake-responses-server.js';
import { processesLeftAfter, processesNaming } from '../process/testing/processes-naming.js';
import { CodexAgent } from './codex-agent.js';
import { AgentTurnError, type AgentTurnRequest } from './coding-agent.js';
import { scriptedCodexModel } from './testing/scripted-codex-model.js';

const KEY = 'sk-proj-test-agent-key-0123456789';
/** A model Codex 0.163 knows (so it offers its freeform apply_patch tool); priced as gpt-5. */
const MODEL = 'gpt-5.5';
const USAGE = { inputTokens: 1_000, outputTokens: 10 };
/** What the key-leasing proxy's stand-in credential looks like: it must never reach the provider. */
const CREDENTIAL = /lldflow-[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/;

describe('CodexAgent', () => {
  let server: FakeHttpServer | undefined;
  const folders: string[] = [];
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
  });

  /** The fake's responder, with every request's headers kept so a test can look for the credential. */
  const seen: string[] = [];
  const recording =
    (respond: FakeResponder): FakeResponder =>
    (request) => {
      seen.push(JSON.stringify([request.headers, request.body]));
      return respond(request);
    };

  /** An agent on a fake with this responder (given the turn's folders), its requests to the upstream listed in `fetched`. */
  async function setUp(
    respond: (folders: { repository: string }) => FakeResponder,
  ): Promise<{ agent: CodexAgent; worktree: string; repository: string; state: string; fetched: string[] }> {
    seen.length = 0;
    const worktree = await mkdtemp(join(tmpdir(), 'lldflow-codex-worktree-'));
    const repository = await mkdtemp(join(tmpdir(), 'lldflow-codex-repository-'));
    const state = await mkdtemp(join(tmpdir(), 'lldflow-codex-state-'));
    folders.push(worktree, repository, state);
    server = await fakeResponsesServer({ respond: recording(respond({ repository })) });
    const fetched: string[] = [];
    const direct = sharedDirectFetch();
    const fetch: FetchFunction = (input, init) => {
      fetched.push(`${init?.method ?? 'GET'} ${new URL(input instanceof Request ? input.url : String(input)).pathname}`);
      return direct(input, init);
    };
    const agent = new CodexAgent({
      model: MODEL,
      sandbox: { sandbox: resolveSandbox('auto', { env: process.env }), network: false, readable: [repository], hidden: [] },
      stateDirectory: () => state,
      access: {
        kind: 'keys',
        pooled: {
          protocol: 'openai',
          upstream: server.baseUrl,
          pool: new KeyPool({ provider: 'openai', keys: [KEY], perKeyConcurrency: 1, clock: systemClock }),
          fetch,
          clock: systemClock,
          redactor: new SecretRedactor([{ value: KEY, name: 'openai#1' }]),
        },
      },
      env: process.env,
    });
    return { agent, worktree, repository, state, fetched };
  }

  function request(worktree: string, fields: Partial<AgentTurnRequest>): AgentTurnRequest & { lines: string[]; sessions: string[] } {
    const lines: string[] = [];
    const sessions: string[] = [];
    return {
      itemId: '7',
      worktree,
      repository: worktree,
      prompt: 'Write hello.txt',
      instructions: 'Only write what you are asked.',
      sessionId: undefined,
      sessionCostUsd: 0,
      maxBudgetUsd: undefined,
      signal: new AbortController().signal,
      onSession: (id) => {
        sessions.push(id);
        return Promise.resolve();
      },
      log: (line) => lines.push(line),
      lines,
      sessions,
      ...fields,
    };
  }

  it('runs Codex in the sandbox: it runs a command and applies a patch in the worktree, through the proxy, with a pooled key', async () => {
    const patch = '*** Begin Patch\n*** Add File: second.txt\n+two\n*** End Patch\n';
    const { agent, worktree, repository, state, fetched } = await setUp(({ repository }) =>
      scriptedCodexModel(({ step }) => {
        if (step === 0) {
          return {
            text: 'Writing the file.',
            usage: USAGE,
            // Two commands at once: their results go back to the model in one request.
            toolUses: [
              { name: 'exec_command', input: { cmd: "printf 'hi\\n' > hello.txt" } },
              { name: 'exec_command', input: { cmd: `echo out > ${join(repository, 'escaped.txt')}` } },
            ],
          };
        }
        if (step === 1) return { text: '', usage: USAGE, toolUses: [{ name: 'apply_patch', input: { input: patch } }] };
        return { text: 'Done.', usage: USAGE };
      }),
    );
    const turn = request(worktree, { repository });
    const result = await agent.runTurn(turn);

    expect(await readFile(join(worktree, 'hello.txt'), 'utf8')).toBe('hi\n');
    expect(await readFile(join(worktree, 'second.txt'), 'utf8')).toBe('two\n');
    // The repository is shown read-only: the write outside the worktree failed, and the model was told why.
    await expect(readFile(join(repository, 'escaped.txt'), 'utf8')).rejects.toThrow(/ENOENT/);
    expect(turn.lines).toContain(`agent: run echo out > ${join(repository, 'escaped.txt')} (failed)`);
    expect(seen.some((text) => text.includes('Read-only file system'))).toBe(true);
    expect(result).toMatchObject({ ending: 'completed', text: 'Done.', inputTokens: 3_000, outputTokens: 30, modelCalls: 3 });
    expect(result.costUsd).toBeCloseTo((3_000 * 1.25 + 30 * 10) / 1_000_000, 10);
    expect(result.sessionCostUsd).toBeCloseTo(result.costUsd, 10);
    expect(turn.sessions).toEqual([result.sessionId]);
    expect(turn.lines).toContain("agent: run printf 'hi\\n' > hello.txt");
    expect(turn.lines).toContain('agent: edit second.txt');
    // Only model requests left the proxy, each with the pooled key; the stand-in credential went nowhere.
    expect(fetched).toEqual(['POST /v1/responses', 'POST /v1/responses', 'POST /v1/responses']);
    expect(server?.requests.every((record) => record.apiKey === KEY)).toBe(true);
    expect(seen.some((text) => CREDENTIAL.test(text))).toBe(false);
    // The thread is kept in the item's own Codex home, where a later run resumes it.
    expect(await readdir(join(state, 'codex', 'sessions'))).not.toEqual([]);
  }, 90_000);

  it('resumes the item thread in the next turn: the model sees the earlier prompt, and only the new tokens count', async () => {
    const prompts: string[][] = [];
    const { agent, worktree } = await setUp(() =>
      scriptedCodexModel((step) => {
        prompts.push(step.prompts);
        if (step.prompt.startsWith('Write hello.txt')) return { text: 'Nothing to do.', usage: USAGE };
        if (step.step === 0)
          return { text: '', usage: USAGE, toolUses: [{ name: 'exec_command', input: { cmd: 'echo again > third.txt' } }] };
        return { text: 'Second done.', usage: USAGE };
      }),
    );
    const first = request(worktree, {});
    const firstResult = await agent.runTurn(first);
    const second = request(worktree, {
      prompt: 'Now write third.txt',
      sessionId: firstResult.sessionId,
      sessionCostUsd: firstResult.sessionCostUsd,
    });
    const secondResult = await agent.runTurn(second);

    expect(secondResult.sessionId).toBe(firstResult.sessionId);
    expect(second.sessions).toEqual([]);
    expect(secondResult.text).toBe('Second done.');
    expect(await readFile(join(worktree, 'third.txt'), 'utf8')).toBe('again\n');
    expect(prompts.at(-1)).toEqual(['Write hello.txt', 'Now write third.txt']);
    expect(second.lines, second.lines.join('\n')).toContain('agent: run echo again > third.txt');
    expect(secondResult).toMatchObject({ inputTokens: 2_000, outputTokens: 20, modelCalls: 2 });
    expect(secondResult.sessionCostUsd).toBeCloseTo(firstResult.sessionCostUsd + secondResult.costUsd, 10);
  }, 120_000);

  it('fails the turn with the API error Codex gives up on', async () => {
    const { agent, worktree } = await setUp(() => () => ({ status: 400, message: 'The model does not exist.' }));
    const failure = agent.runTurn(request(worktree, {}));

    await expect(failure).rejects.toBeInstanceOf(AgentTurnError);
    await expect(failure).rejects.toThrow(/codex:gpt-5\.5 failed: .*The model does not exist/);
  }, 60_000);

  it('names the package to install when the SDK is missing', async () => {
    const agent = new CodexAgent({
      model: MODEL,
      sandbox: { sandbox: resolveSandbox('none', { env: process.env }), network: false, readable: [], hidden: [] },
      stateDirectory: () => tmpdir(),
      access: { kind: 'login' },
      env: {},
      loadSdk: () => Promise.reject(Object.assign(new Error('Cannot find package'), { code: 'ERR_MODULE_NOT_FOUND' })),
    });

    await expect(agent.ready()).rejects.toThrow(/npm install @openai\/codex-sdk/);
  });

  it('stops Codex and everything in its sandbox when the signal aborts mid-turn', async () => {
    const { agent, worktree } = await setUp(() => () => ({ hang: true }));
    const controller = new AbortController();
    const reason = new Error('item timed out');
    const running = agent.runTurn(request(worktree, { signal: controller.signal }));
    const settled = running.catch((error: unknown) => error);
    await server?.waitForRequests(1);
    expect(await processesNaming(worktree)).not.toEqual([]);
    controller.abort(reason);

    expect(await settled).toBe(reason);
    expect(await server?.waitForOutcome(0)).toBe('client-closed');
    expect(await processesLeftAfter(worktree, 5_000)).toEqual([]);
  }, 60_000);
});
