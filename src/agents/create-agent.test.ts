import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { resolveSandbox } from '../process/sandbox.js';
import { ModelRegistry, parseModelSpec } from '../providers/resolve-model.js';
import { ClaudeAgent } from './claude-agent.js';
import { codingAgentProvider, createCodingAgent } from './create-agent.js';

const noSandbox = resolveSandbox('none', { env: process.env });
const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function setup(env: Record<string, string | undefined>, sandbox = { sandbox: noSandbox, network: false }) {
  const repo = mkdtempSync(join(tmpdir(), 'lldflow-create-agent-'));
  folders.push(repo);
  return {
    origin: '--implementer',
    repo,
    registry: new ModelRegistry({ env, clock: systemClock, perKeyConcurrency: 1 }),
    env,
    clock: systemClock,
    sandbox: { ...sandbox, readable: [], hidden: [] },
  };
}

const bubblewrapLike = { sandbox: { ...noSandbox, kind: 'bwrap' as const }, network: false };

describe('choosing a coding agent', () => {
  it('recognises the agent providers and refuses them for drafting and reviewing', () => {
    expect(codingAgentProvider('claude-agent:claude-sonnet-4-5')).toBe('claude-agent');
    expect(codingAgentProvider('codex:gpt-5.1-codex')).toBe('codex');
    expect(codingAgentProvider('anthropic:claude-sonnet-4-5')).toBeUndefined();
    expect(() => parseModelSpec('claude-agent:claude-sonnet-4-5', '--drafter')).toThrow(UsageError);
    expect(() => parseModelSpec('codex:gpt-5', '--reviewer')).toThrow(/codex is a coding agent, for --implementer only/);
  });

  it('builds a Claude agent on the pooled keys, with the SDK loaded before the run', async () => {
    const agent = await createCodingAgent({
      ...setup({ ANTHROPIC_API_KEYS: 'sk-ant-one-0123456789' }),
      spec: 'claude-agent:claude-sonnet-4-5',
    });
    expect(agent.label).toBe('claude-agent:claude-sonnet-4-5');
    expect(agent.model).toBe('claude-sonnet-4-5');
  });

  it('without a key or a login says what to set', async () => {
    await expect(createCodingAgent({ ...setup({}), spec: 'claude-agent:claude-sonnet-4-5' })).rejects.toThrow(
      /no Anthropic API key and no Claude login: set ANTHROPIC_API_KEYS .* or CLAUDE_CODE_OAUTH_TOKEN/,
    );
    await expect(
      createCodingAgent({ ...setup({ CODEX_HOME: join(tmpdir(), 'no-such-codex-home') }), spec: 'codex:gpt-5' }),
    ).rejects.toThrow(/no OpenAI API key and no Codex login: .*codex login/);
  });

  it('a login talks to its provider itself: refused in a sandbox without a network, accepted with one', async () => {
    const env = { CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-login-token-0123456789' };
    await expect(createCodingAgent({ ...setup(env, bubblewrapLike), spec: 'claude-agent:claude-sonnet-4-5' })).rejects.toThrow(
      /talks to its provider itself.*pass --sandbox-network/,
    );
    const agent = await createCodingAgent({ ...setup(env, { ...bubblewrapLike, network: true }), spec: 'claude-agent:claude-sonnet-4-5' });
    expect(agent.provider).toBe('claude-agent');
  });

  it('the login token is one of the secrets the run redacts', () => {
    const registry = new ModelRegistry({
      env: { CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-login-token-0123456789' },
      clock: systemClock,
      perKeyConcurrency: 1,
    });
    expect(registry.redactor.redact('token sk-ant-oat01-login-token-0123456789 here')).toBe('token claude-login here');
  });

  it('a missing SDK is a configuration error naming the package to install', async () => {
    const missing = Object.assign(new Error("Cannot find package '@anthropic-ai/claude-agent-sdk'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const agent = new ClaudeAgent({
      model: 'claude-sonnet-4-5',
      sandbox: { sandbox: noSandbox, network: false, readable: [], hidden: [] },
      stateDirectory: () => tmpdir(),
      access: { kind: 'login', oauthToken: 'token' },
      env: {},
      loadSdk: () => Promise.reject(missing),
    });
    await expect(agent.ready()).rejects.toThrow(ConfigurationError);
    await expect(agent.ready()).rejects.toThrow('run npm install @anthropic-ai/claude-agent-sdk');
  });
});
