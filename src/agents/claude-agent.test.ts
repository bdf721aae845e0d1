import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
    const agent = new ClaudeAgent({
      model: 'claude-sonnet-4-5',
      sandbox: { sandbox: resolveSandbox('auto', { env: process.env }), network: false, readable: [], hidden: [] },
      stateDirectory: () => state,
      access: {
        kind: 'keys',
        pooled: {
          protocol: 'anthropic',
          upstream: server.baseUrl.replace(/\/v1$/, ''),
          pool,
          fetch: sharedDirectFetch(),
          clock: systemClock,
          redactor: new SecretRedactor([{ value: KEY, name: 'anthropic#1' }]),
        },
      },
      env: process.env,
    });
    const lines: string[] = [];
    const sessions: string[] = [];
    const result = await agent.runTurn({
      itemId: '7',
      worktree,
      repository: worktree,
      prompt: 'Write hello.txt',
      instructions: 'Only write what you are asked.',
      sessionId: undefined,
      sessionCostUsd: 0,
      maxBudgetUsd: undefined,
      signal: new AbortController().signal,
      onSession: async (id) => {
        sessions.push(id);
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
});
