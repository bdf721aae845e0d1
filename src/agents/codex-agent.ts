import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import { abortReason } from '../core/abort.js';
import { ConfigurationError } from '../core/errors.js';
import { costOf, type ExtraPrices } from '../providers/pricing.js';
import { agentBaseUrl, type AgentSandboxSettings } from './agent-sandbox.js';
import { OptionalSdk } from './optional-sdk.js';
import { CODEX_PACKAGE, codexBinary, writeSandboxedCodex } from './codex-binary.js';
import { countingAnswers, turnShare } from './codex-usage.js';
import { AgentTurnError, type AgentTurnRequest, type AgentTurnResult, type CodingAgent } from './coding-agent.js';
import { describeToolUse } from './tool-use-line.js';
import { withTurnProxy, type PooledModelAccess, type TurnProxyAddress } from './turn-proxy.js';

type CodexSdk = typeof import('@openai/codex-sdk');
type CodexConfig = NonNullable<import('@openai/codex-sdk').CodexOptions['config']>;
type Thread = import('@openai/codex-sdk').Thread;
type ThreadEvent = import('@openai/codex-sdk').ThreadEvent;
type ThreadItem = import('@openai/codex-sdk').ThreadItem;
type ThreadOptions = import('@openai/codex-sdk').ThreadOptions;

export { CODEX_PACKAGE } from './codex-binary.js';

/** The model provider lldflow defines for Codex in keys mode (the built-in `openai` one cannot be changed). */
const PROVIDER_ID = 'lldflow';

export interface CodexAgentOptions {
  model: string;
  sandbox: AgentSandboxSettings;
  /** The item's own folder for the agent's threads and settings (`.lldflow/agents/<id>`). */
  stateDirectory: (itemId: string) => string;
  /** API keys through lldflow's pool; or, without an OpenAI key, the user's own Codex login. */
  access: { kind: 'keys'; pooled: PooledModelAccess } | { kind: 'login' };
  /** The run's environment: only PATH, the locale and HOME are passed on. */
  env: Readonly<Record<string, string | undefined>>;
  /** Loads the SDK (tests pass a failing one); default: import it. */
  loadSdk?: () => Promise<CodexSdk>;
  /** The config file's prices: Codex reports tokens, which lldflow prices. */
  prices?: ExtraPrices | undefined;
}

/** Where one turn's Codex keeps its threads, and how its model traffic leaves. */
interface TurnSetup {
  stateDirectory: string;
  codexHome: string;
  proxy: TurnProxyAddress | undefined;
  /** Model answers the proxy passed back in this turn; undefined with a login, where nothing counts them. */
  answered: { count: number } | undefined;
}

/**
 * `--implementer codex:<model>`: the Codex CLI, through the Codex SDK, working in the item's worktree.
 * With keys, Codex talks to lldflow's key-leasing proxy with a stand-in key, never a real one, and its
 * threads live in the item's state folder; with a login, it uses the user's own Codex home. Under
 * bubblewrap lldflow's sandbox is the boundary, so Codex's own sandbox is off; without one, Codex's
 * workspace-write sandbox is the only one there is.
 */
export class CodexAgent implements CodingAgent {
  readonly provider = 'codex' as const;
  readonly label: string;
  private readonly sdk: OptionalSdk<CodexSdk>;

  constructor(private readonly options: CodexAgentOptions) {
    this.label = `codex:${options.model}`;
    this.sdk = new OptionalSdk(CODEX_PACKAGE, this.provider, options.loadSdk ?? (() => import('@openai/codex-sdk')));
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
    await mkdir(stateDirectory, { recursive: true });
    const { access, env } = this.options;
    if (access.kind === 'login') {
      const codexHome = env.CODEX_HOME ?? join(env.HOME ?? homedir(), '.codex');
      return this.turn(sdk, request, { stateDirectory, codexHome, proxy: undefined, answered: undefined });
    }
    const codexHome = join(stateDirectory, 'codex');
    await mkdir(codexHome, { recursive: true });
    const answered = { count: 0 };
    const pooled = { ...access.pooled, fetch: countingAnswers(access.pooled.fetch, answered) };
    return withTurnProxy(pooled, request, (proxy) => this.turn(sdk, request, { stateDirectory, codexHome, proxy, answered }));
  }

  private async turn(sdk: CodexSdk, request: AgentTurnRequest, setup: TurnSetup): Promise<AgentTurnResult> {
    const started = Date.now();
    // The wrapper lives outside everything the sandbox can write, and only as long as the turn.
    const wrapperFolder = this.options.sandbox.sandbox.kind === 'bwrap' ? await mkdtemp(join(tmpdir(), 'lldflow-codex-')) : undefined;
    try {
      if (request.signal.aborted) throw abortReason(request.signal);
      const thread = this.openThread(sdk, request, setup, wrapperFolder);
      // Codex takes no spending cap: the workflow compares the session's cost with --budget between turns.
      const { events } = await thread.runStreamed(request.prompt, { signal: request.signal });
      return await this.follow(events, request, setup, started);
    } catch (error) {
      if (request.signal.aborted) throw abortReason(request.signal);
      if (error instanceof AgentTurnError || error instanceof ConfigurationError) throw error;
      throw new AgentTurnError(`${this.label} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      if (wrapperFolder) await rm(wrapperFolder, { recursive: true, force: true });
    }
  }

  /** The item's thread, new or resumed, set up to run Codex in the sandbox (through a wrapper in `wrapperFolder`). */
  private openThread(sdk: CodexSdk, request: AgentTurnRequest, setup: TurnSetup, wrapperFolder: string | undefined): Thread {
    const { sandbox } = this.options;
    const binary = wrapperFolder ? codexBinary() : undefined;
    const codexPathOverride =
      wrapperFolder && binary
        ? writeSandboxedCodex(wrapperFolder, binary.executable, sandbox, {
            worktree: request.worktree,
            // Codex's home is all it writes besides the worktree (with a login, the user's: it keeps the login fresh there).
            stateDirectory: setup.codexHome,
            proxy: setup.proxy,
          })
        : undefined;
    const baseUrl = agentBaseUrl(sandbox, setup.proxy);
    const codex = new sdk.Codex({
      ...(codexPathOverride ? { codexPathOverride } : {}),
      ...(baseUrl && setup.proxy ? { baseUrl, apiKey: setup.proxy.credential } : {}),
      config: codexConfig(request.instructions, baseUrl),
      env: this.codexEnvironment(setup.codexHome, binary?.pathDirectories ?? []),
    });
    const threadOptions: ThreadOptions = {
      model: this.options.model,
      // Codex's own sandbox may not nest inside bubblewrap, and need not: lldflow's is the boundary there.
      sandboxMode: wrapperFolder ? 'danger-full-access' : 'workspace-write',
      ...(wrapperFolder ? {} : { networkAccessEnabled: sandbox.network }),
      approvalPolicy: 'never',
      workingDirectory: request.worktree,
      skipGitRepoCheck: true,
      webSearchMode: 'disabled',
    };
    return request.sessionId ? codex.resumeThread(request.sessionId, threadOptions) : codex.startThread(threadOptions);
  }

  /** Follows the turn's events to its end: the thread's id as soon as it is known, each action in the log. */
  private async follow(
    events: AsyncGenerator<ThreadEvent>,
    request: AgentTurnRequest,
    setup: TurnSetup,
    started: number,
  ): Promise<AgentTurnResult> {
    let sessionId = request.sessionId;
    let text = '';
    let toolItems = 0;
    let lastError: string | undefined;
    for await (const event of events) {
      if (event.type === 'thread.started' && event.thread_id !== sessionId) {
        sessionId = event.thread_id;
        await request.onSession(sessionId);
      } else if (event.type === 'item.completed') {
        if (event.item.type === 'agent_message') text = event.item.text;
        if (logItem(event.item, request)) toolItems += 1;
      } else if (event.type === 'error') {
        // Codex reports its own retries ("Reconnecting... 2/5") this way; a failure still ends in turn.failed.
        lastError = event.message;
        request.log(`codex: ${event.message}`);
      } else if (event.type === 'turn.failed') {
        throw new AgentTurnError(`${this.label} failed: ${event.error.message}`);
      } else if (event.type === 'turn.completed' && sessionId !== undefined) {
        const totals = { threadId: sessionId, inputTokens: event.usage.input_tokens, outputTokens: event.usage.output_tokens };
        const usage = await turnShare(setup.stateDirectory, totals);
        const costUsd = costOf('openai', this.options.model, usage, this.options.prices);
        return {
          sessionId,
          text,
          ending: 'completed',
          costUsd,
          sessionCostUsd: request.sessionCostUsd + costUsd,
          ...usage,
          // Counted where they pass: the proxy's answered model requests; with a login, one request to start
          // and one after each tool the agent used (parallel tool calls make that an upper bound).
          modelCalls: setup.answered?.count ?? 1 + toolItems,
          durationMs: Date.now() - started,
        };
      }
    }
    throw new AgentTurnError(`${this.label} ended its turn without completing it${lastError ? `: ${lastError}` : ''}`);
  }

  /** Only what Codex needs: where its home is, and a PATH. No variable of the user's (the SDK adds the stand-in key). */
  private codexEnvironment(codexHome: string, pathDirectories: readonly string[]): Record<string, string> {
    const { env } = this.options;
    return {
      PATH: [...pathDirectories, env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(delimiter),
      ...(env.LANG ? { LANG: env.LANG } : {}),
      CODEX_HOME: codexHome,
      HOME: env.HOME ?? homedir(),
    };
  }
}

/**
 * Codex's settings for one turn. With the proxy, a provider of lldflow's own: the built-in one tries a
 * websocket first (the proxy forwards plain HTTP only) and cannot be changed. Nothing leaves for
 * OpenAI's analytics or feedback, and no update check runs.
 */
function codexConfig(instructions: string, baseUrl: string | undefined): CodexConfig {
  return {
    ...(instructions.trim() !== '' ? { developer_instructions: instructions } : {}),
    analytics: { enabled: false },
    feedback: { enabled: false },
    check_for_update_on_startup: false,
    ...(baseUrl
      ? {
          model_provider: PROVIDER_ID,
          model_providers: {
            [PROVIDER_ID]: {
              name: "lldflow's key-leasing proxy",
              base_url: baseUrl,
              // The SDK hands Codex its apiKey in this variable: the proxy's stand-in credential.
              env_key: 'CODEX_API_KEY',
              wire_api: 'responses',
              supports_websockets: false,
            },
          },
        }
      : {}),
  };
}

/** How the item's log shows what the agent did; true for a tool use (which sends its result back to the model). */
function logItem(item: ThreadItem, request: AgentTurnRequest): boolean {
  const failed = 'status' in item && item.status === 'failed' ? ' (failed)' : '';
  if (item.type === 'command_execution') {
    request.log(`agent: ${describeToolUse('run', { command: unwrapShell(item.command) })}${failed}`);
  } else if (item.type === 'file_change') {
    const paths = item.changes.map((change) => inWorktree(request.worktree, change.path));
    request.log(`agent: ${describeToolUse('edit', { path: paths.join(' ') })}${failed}`);
  } else if (item.type === 'mcp_tool_call') {
    request.log(`agent: ${describeToolUse(`${item.server}.${item.tool}`, item.arguments)}${failed}`);
  } else if (item.type === 'web_search') {
    request.log(`agent: ${describeToolUse('search', { pattern: item.query })}`);
  } else {
    if (item.type === 'error') request.log(`codex: ${item.message}`);
    return false;
  }
  return true;
}

/** Codex shows a command as the shell line it ran (`/bin/bash -lc '…'`); the log shows the command. */
function unwrapShell(command: string): string {
  const match = /^(?:\S*\/)?(?:ba|z)?sh -l?c (?:'([^']*)'|"((?:[^"\\]|\\.)*)")$/s.exec(command);
  if (match?.[1] !== undefined) return match[1];
  if (match?.[2] !== undefined) return match[2].replace(/\\(["\\$`])/g, '$1');
  return command;
}

function inWorktree(worktree: string, path: string): string {
  const inside = relative(worktree, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
