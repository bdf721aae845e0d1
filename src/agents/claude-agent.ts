import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { abortReason } from '../core/abort.js';
import { agentBaseUrl, agentCommand, type AgentSandboxSettings } from './agent-sandbox.js';
import { OptionalSdk } from './optional-sdk.js';
import { describeToolUse } from './tool-use-line.js';
import { AgentTurnError, type AgentTurnRequest, type AgentTurnResult, type CodingAgent } from './coding-agent.js';
import { turnCost } from './turn-cost.js';
import { withTurnProxy, type PooledModelAccess, type TurnProxyAddress } from './turn-proxy.js';

type ClaudeAgentSdk = typeof import('@anthropic-ai/claude-agent-sdk');
type SdkMessage = import('@anthropic-ai/claude-agent-sdk').SDKMessage;
type SpawnOptions = import('@anthropic-ai/claude-agent-sdk').SpawnOptions;

export const CLAUDE_AGENT_PACKAGE = '@anthropic-ai/claude-agent-sdk';

/** A turn that would not end by itself is cut here: lldflow's own loop gives the agent its next turn. */
const MAX_AGENT_STEPS_PER_TURN = 200;

export interface ClaudeAgentOptions {
  model: string;
  sandbox: AgentSandboxSettings;
  /** The item's own folder for the agent's sessions and settings (`.lldflow/agents/<id>`). */
  stateDirectory: (itemId: string) => string;
  /** API keys through lldflow's pool; or, without keys, the user's subscription login. */
  access: { kind: 'keys'; pooled: PooledModelAccess } | { kind: 'login'; oauthToken: string };
  /** The run's environment: only PATH and the locale are passed on. */
  env: Readonly<Record<string, string | undefined>>;
  /** Loads the SDK (tests pass a failing one); default: import it. */
  loadSdk?: () => Promise<ClaudeAgentSdk>;
}

/**
 * `--implementer claude-agent:<model>`: Claude Code, through the Claude Agent SDK, working in the
 * item's worktree. The binary runs under lldflow's sandbox; it gets a stand-in key and a base URL on
 * lldflow's key-leasing proxy, never a real key; each item keeps one session, resumed turn after turn.
 */
export class ClaudeAgent implements CodingAgent {
  readonly provider = 'claude-agent' as const;
  readonly label: string;
  private readonly sdk: OptionalSdk<ClaudeAgentSdk>;

  constructor(private readonly options: ClaudeAgentOptions) {
    this.label = `claude-agent:${options.model}`;
    this.sdk = new OptionalSdk(CLAUDE_AGENT_PACKAGE, this.provider, options.loadSdk ?? (() => import('@anthropic-ai/claude-agent-sdk')));
  }

  get model(): string {
    return this.options.model;
  }

  /** Loads the SDK now, so a missing one stops the run before anything is written. */
  async ready(): Promise<void> {
    await this.sdk.get();
  }

  async runTurn(request: AgentTurnRequest): Promise<AgentTurnResult> {
    const sdk = await this.sdk.get();
    const stateDirectory = this.options.stateDirectory(request.itemId);
    await mkdir(join(stateDirectory, 'claude'), { recursive: true });
    const { access } = this.options;
    if (access.kind === 'login') return this.turn(sdk, request, stateDirectory, undefined);
    return withTurnProxy(access.pooled, request, (proxy) => this.turn(sdk, request, stateDirectory, proxy));
  }

  private async turn(
    sdk: ClaudeAgentSdk,
    request: AgentTurnRequest,
    stateDirectory: string,
    proxy: TurnProxyAddress | undefined,
  ): Promise<AgentTurnResult> {
    const { sandbox } = this.options;
    const sandboxed = sandbox.sandbox.kind === 'bwrap';
    const env = this.agentEnvironment(stateDirectory, proxy, sandboxed);
    const abort = new AbortController();
    const onAbort = (): void => abort.abort(abortReason(request.signal));
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });
    const stderr: string[] = [];
    const requests = new Set<string>();
    let sessionId = request.sessionId;
    try {
      const conversation = sdk.query({
        prompt: request.prompt,
        options: {
          cwd: request.worktree,
          model: this.options.model,
          systemPrompt: { type: 'preset', preset: 'claude_code', append: request.instructions },
          // Nothing from the user's or the project's Claude settings: lldflow's rules are the whole of it.
          settingSources: [],
          // Inside lldflow's sandbox the agent may run what it likes; unconfined, it may only edit.
          permissionMode: sandboxed ? 'bypassPermissions' : 'acceptEdits',
          allowDangerouslySkipPermissions: sandboxed,
          disallowedTools: ['WebFetch', 'WebSearch'],
          maxTurns: MAX_AGENT_STEPS_PER_TURN,
          env,
          abortController: abort,
          ...(request.sessionId ? { resume: request.sessionId } : {}),
          ...(request.maxBudgetUsd !== undefined ? { maxBudgetUsd: request.maxBudgetUsd } : {}),
          spawnClaudeCodeProcess: (spawnOptions) => this.spawnProcess(spawnOptions, request, stateDirectory, proxy, stderr),
        },
      });
      for await (const message of conversation) {
        if (message.type === 'system' && message.subtype === 'init' && message.session_id !== sessionId) {
          sessionId = message.session_id;
          await request.onSession(sessionId);
        }
        if (message.type === 'assistant') {
          requests.add(message.message.id);
          for (const block of message.message.content) {
            if (block.type === 'tool_use') request.log(`agent: ${describeToolUse(block.name, block.input)}`);
          }
        }
        if (message.type === 'result') return this.resultOf(message, sessionId, request, requests.size, stderr);
      }
      throw new AgentTurnError(`${this.label} ended its turn without a result${stderrNote(stderr)}`);
    } catch (error) {
      if (request.signal.aborted) throw abortReason(request.signal);
      if (error instanceof AgentTurnError) throw error;
      throw new AgentTurnError(`${this.label} failed: ${error instanceof Error ? error.message : String(error)}${stderrNote(stderr)}`, {
        cause: error,
      });
    } finally {
      request.signal.removeEventListener('abort', onAbort);
    }
  }

  private resultOf(
    message: Extract<SdkMessage, { type: 'result' }>,
    sessionId: string | undefined,
    request: AgentTurnRequest,
    modelCalls: number,
    stderr: string[],
  ): AgentTurnResult {
    // Ctrl+C or the time-out may reach the agent as a failed request before its process is stopped.
    if (request.signal.aborted) throw abortReason(request.signal);
    // Claude Code ends a turn whose API requests kept failing with a "success" that is an error.
    if (message.subtype === 'success' && message.is_error) {
      throw new AgentTurnError(`${this.label} failed: ${message.result}${stderrNote(stderr)}`);
    }
    if (message.subtype === 'error_during_execution' || message.subtype === 'error_max_structured_output_retries') {
      throw new AgentTurnError(`${this.label} failed: ${message.errors.join('; ') || message.subtype}${stderrNote(stderr)}`);
    }
    const ending = message.subtype === 'success' ? 'completed' : message.subtype === 'error_max_budget_usd' ? 'budget' : 'turn-limit';
    return {
      sessionId: sessionId ?? message.session_id,
      text: message.subtype === 'success' ? message.result : '',
      ending,
      costUsd: turnCost(message.total_cost_usd, request.sessionCostUsd),
      sessionCostUsd: message.total_cost_usd,
      inputTokens:
        message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0) + (message.usage.cache_creation_input_tokens ?? 0),
      outputTokens: message.usage.output_tokens,
      modelCalls,
      durationMs: message.duration_ms,
    };
  }

  /** Only what Claude Code needs: its folder, where the API is, a stand-in key. No variable of the user's. */
  private agentEnvironment(stateDirectory: string, proxy: TurnProxyAddress | undefined, sandboxed: boolean): Record<string, string> {
    const { env, access, sandbox } = this.options;
    const base: Record<string, string> = {
      PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      ...(env.LANG ? { LANG: env.LANG } : {}),
      CLAUDE_CONFIG_DIR: join(stateDirectory, 'claude'),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      // Claude Code refuses to skip permission prompts as root unless told it is inside a sandbox, which it is.
      ...(sandboxed ? { IS_SANDBOX: '1' } : {}),
    };
    if (access.kind === 'login') return { ...base, CLAUDE_CODE_OAUTH_TOKEN: access.oauthToken };
    return { ...base, ANTHROPIC_BASE_URL: agentBaseUrl(sandbox, proxy) ?? '', ANTHROPIC_API_KEY: proxy?.credential ?? '' };
  }

  private spawnProcess(
    spawnOptions: SpawnOptions,
    request: AgentTurnRequest,
    stateDirectory: string,
    proxy: TurnProxyAddress | undefined,
    stderr: string[],
  ): ChildProcessWithoutNullStreams {
    const env = Object.fromEntries(Object.entries(spawnOptions.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const command = agentCommand(
      [spawnOptions.command, ...spawnOptions.args],
      this.options.sandbox,
      { worktree: request.worktree, stateDirectory, proxy, env },
      { nodePath: process.execPath },
    );
    const child = spawn(command.file, command.args, { cwd: spawnOptions.cwd ?? request.worktree, env, stdio: 'pipe' });
    // A custom spawn's stderr is its own to read: kept for the error message, and never left to fill its pipe.
    child.stderr.on('data', (data: Buffer) => keepTail(stderr, data.toString('utf8')));
    // The SDK's signal comes after its own graceful close; bubblewrap then takes the whole sandbox down with it.
    spawnOptions.signal?.addEventListener('abort', () => child.kill('SIGKILL'), { once: true });
    return child;
  }
}

const STDERR_LINES = 20;

function keepTail(lines: string[], data: string): void {
  lines.push(...data.split('\n').filter((line) => line.trim() !== ''));
  if (lines.length > STDERR_LINES) lines.splice(0, lines.length - STDERR_LINES);
}

function stderrNote(lines: readonly string[]): string {
  return lines.length > 0 ? `\n${lines.join('\n')}` : '';
}
