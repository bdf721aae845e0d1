import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock/clock.js';
import { ConfigurationError } from '../core/errors.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import { CLAUDE_LOGIN_VARIABLE, type ModelRegistry } from '../providers/resolve-model.js';
import type { AgentSandboxSettings } from './agent-sandbox.js';
import { ClaudeAgent } from './claude-agent.js';
import type { CodingAgent, CodingAgentProvider } from './coding-agent.js';

/** `claude-agent:<model>` or `codex:<model>` → the agent's provider; undefined for any other spec. */
export function codingAgentProvider(spec: string): CodingAgentProvider | undefined {
  const provider = spec.slice(0, Math.max(0, spec.indexOf(':'))).trim();
  return provider === 'claude-agent' || provider === 'codex' ? provider : undefined;
}

export interface CodingAgentSetup {
  spec: string;
  /** Where the spec was set (`--implementer`), for messages. */
  origin: string;
  repo: string;
  registry: ModelRegistry;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  /** The sandbox the test command runs in: the agent runs in the same. */
  sandbox: AgentSandboxSettings;
}

/**
 * The coding agent a spec names, with its keys: through lldflow's pool when the provider has keys
 * (the agent gets a stand-in), else the agent's own subscription login. A login talks to its provider
 * directly, which a sandbox without a network forbids: that is refused here, before anything runs,
 * as is a missing SDK.
 */
export async function createCodingAgent(setup: CodingAgentSetup): Promise<CodingAgent> {
  const provider = codingAgentProvider(setup.spec);
  const model = setup.spec.slice(setup.spec.indexOf(':') + 1).trim();
  if (provider === undefined || model === '') {
    throw new ConfigurationError(`invalid ${setup.origin} ${JSON.stringify(setup.spec)}: expected claude-agent:<model> or codex:<model>`);
  }
  const stateDirectory = (itemId: string): string => inRepository(setup.repo, repositoryPaths.agentState(itemId));
  const common = { model, sandbox: setup.sandbox, stateDirectory, env: setup.env };
  const pooled = (protocol: 'anthropic' | 'openai') => {
    const forwarding = setup.registry.forwardingAccess(protocol);
    return forwarding ? { protocol, ...forwarding, clock: setup.clock, redactor: setup.registry.redactor } : undefined;
  };
  if (provider === 'claude-agent') {
    const access = pooled('anthropic');
    const token = setup.env[CLAUDE_LOGIN_VARIABLE]?.trim();
    if (!access && !token) {
      throw new ConfigurationError(
        `${setup.spec}: no Anthropic API key and no Claude login: set ANTHROPIC_API_KEYS (comma-separated) or ANTHROPIC_API_KEY, or ${CLAUDE_LOGIN_VARIABLE} (from \`claude setup-token\`)`,
      );
    }
    if (!access) requireNetworkForLogin(setup, `${CLAUDE_LOGIN_VARIABLE} (a Claude subscription login)`);
    // lldflow's ANTHROPIC_BASE_URL ends in /v1, as the Anthropic SDK's does; Claude Code adds /v1 itself.
    const agent = new ClaudeAgent({
      ...common,
      access: access
        ? { kind: 'keys', pooled: { ...access, upstream: access.upstream.replace(/\/v1\/?$/, '') } }
        : { kind: 'login', oauthToken: token ?? '' },
    });
    await agent.ready();
    return agent;
  }
  const access = pooled('openai');
  if (!access) {
    const codexHome = setup.env.CODEX_HOME?.trim() || join(homedir(), '.codex');
    if (!existsSync(join(codexHome, 'auth.json'))) {
      throw new ConfigurationError(
        `${setup.spec}: no OpenAI API key and no Codex login: set OPENAI_API_KEYS (comma-separated) or OPENAI_API_KEY, or log in with \`codex login\` (${join(codexHome, 'auth.json')} does not exist)`,
      );
    }
    requireNetworkForLogin(setup, 'the Codex login');
  }
  const { CodexAgent } = await import('./codex-agent.js');
  const agent = new CodexAgent({
    ...common,
    access: access ? { kind: 'keys', pooled: access } : { kind: 'login' },
    prices: setup.registry.prices,
  });
  await agent.ready();
  return agent;
}

function requireNetworkForLogin(setup: CodingAgentSetup, login: string): void {
  if (setup.sandbox.sandbox.kind === 'none' || setup.sandbox.network) return;
  throw new ConfigurationError(
    `${setup.spec} with ${login} talks to its provider itself, not through lldflow's key pool, and the sandbox has no network: pass --sandbox-network (the test command gets the network too), or configure API keys`,
  );
}
