import type { Clock } from '../clock/clock.js';
import { ModelCallError } from '../model-call/errors.js';
import type { ModelRequest, ProviderTransport } from '../model-call/model-client.js';
import type { ReplyWithCost } from './pricing.js';
import { runProcessGroup } from '../process/run-process-group.js';

export interface ClaudeCliTransportOptions {
  model: string;
  clock: Clock;
  /** The executable. Default `claude`. */
  command?: string;
  /** Replaces the default arguments `-p --model <model> --output-format json`. */
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** No output for this long stops the process. Default 10 minutes (`json` output only comes at the end). */
  idleTimeoutMs?: number;
  /** Longest run. Default 20 minutes. */
  wallTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL. Default 2 seconds, so Ctrl+C still ends within its 5 seconds. */
  killGraceMs?: number;
}

const STDERR_TAIL = 800;

/**
 * Claude Code's `claude -p`: the prompt (system text and the conversation, flattened) goes to stdin,
 * the JSON result comes from stdout. It uses Claude Code's own login, so it needs no key from the pool.
 */
/**
 * lldflow asks `claude -p` for text only: what a model writes goes through lldflow's path policy and
 * sandbox, never straight to disk or a shell, so Claude Code's own writing and shell tools are off.
 */
export const WRITING_TOOLS = ['Bash', 'Edit', 'MultiEdit', 'Write', 'NotebookEdit'] as const;

export class ClaudeCliTransport implements ProviderTransport {
  readonly provider = 'claude-cli';
  readonly model: string;
  readonly needsKey = false;
  readonly streams = false;

  constructor(private readonly options: ClaudeCliTransportOptions) {
    this.model = options.model;
  }

  async call(request: ModelRequest, _apiKey: string | undefined, signal: AbortSignal): Promise<ReplyWithCost> {
    const label = `claude-cli:${this.model}`;
    const command = this.options.command ?? 'claude';
    const result = await runProcessGroup({
      command,
      args: this.options.args ?? ['-p', '--model', this.model, '--output-format', 'json', '--disallowedTools', ...WRITING_TOOLS],
      input: flattenPrompt(request),
      env: this.options.env,
      cwd: this.options.cwd,
      signal,
      clock: this.options.clock,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 10 * 60_000,
      wallTimeoutMs: this.options.wallTimeoutMs ?? 20 * 60_000,
      killGraceMs: this.options.killGraceMs ?? 2000,
      label,
    });
    if (result.exitCode !== 0) {
      const how = result.exitCode === null ? `was killed by ${result.exitSignal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
      throw new ModelCallError('subprocess', `${label}: ${command} ${how}${tail(result.stderr || result.stdout)}`);
    }
    return parseClaudeResult(result.stdout, this.model, label);
  }
}

/**
 * `claude -p` takes one prompt, so the system text and earlier turns are written out with labels; the
 * last user message comes last. A JSON schema becomes an instruction, since the CLI has no schema option.
 */
export function flattenPrompt(request: ModelRequest): string {
  const parts: string[] = [];
  if (request.system) parts.push(`<instructions>\n${request.system}\n</instructions>`);
  if (request.messages.length === 1) {
    parts.push(request.messages[0]!.content);
  } else {
    parts.push(request.messages.map((message) => `<${message.role}>\n${message.content}\n</${message.role}>`).join('\n\n'));
    parts.push('Reply to the last user message.');
  }
  if (request.jsonSchema) {
    parts.push(
      `Answer with one JSON object and nothing else (no prose, no code fence), matching this JSON Schema (${request.jsonSchema.name}):\n` +
        JSON.stringify(request.jsonSchema.schema, null, 2),
    );
  }
  return parts.join('\n\n');
}

/** Reads `claude -p --output-format json`: `{ result, is_error, usage, total_cost_usd, modelUsage }`. */
export function parseClaudeResult(stdout: string, requestedModel: string, label: string): ReplyWithCost {
  const parsed = parseLastJson(stdout);
  if (!isRecord(parsed)) throw new ModelCallError('malformed-response', `${label}: the output is not a JSON result${tail(stdout)}`);
  if (parsed.is_error === true || (typeof parsed.subtype === 'string' && parsed.subtype.startsWith('error'))) {
    const detail = typeof parsed.result === 'string' ? parsed.result : typeof parsed.subtype === 'string' ? parsed.subtype : 'error';
    throw new ModelCallError('subprocess', `${label}: claude reported an error${tail(detail)}`);
  }
  if (typeof parsed.result !== 'string') throw new ModelCallError('malformed-response', `${label}: the JSON result has no "result" text`);

  const usage = isRecord(parsed.usage) ? parsed.usage : {};
  const inputTokens = count(usage.input_tokens) + count(usage.cache_creation_input_tokens) + count(usage.cache_read_input_tokens);
  const models = isRecord(parsed.modelUsage) ? Object.keys(parsed.modelUsage) : [];
  const reply: ReplyWithCost = {
    text: parsed.result,
    usage: { inputTokens, outputTokens: count(usage.output_tokens) },
    model: models[0] ?? requestedModel,
  };
  if (typeof parsed.total_cost_usd === 'number' && Number.isFinite(parsed.total_cost_usd)) reply.costUsd = parsed.total_cost_usd;
  return reply;
}

/** The whole output, or else its last line that parses: some versions print notices before the result. */
function parseLastJson(stdout: string): unknown {
  const attempts = [stdout.trim(), ...stdout.trim().split('\n').reverse()];
  for (const candidate of attempts) {
    if (!candidate.trim().startsWith('{')) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // Try the next candidate.
    }
  }
  return undefined;
}

function tail(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  return `: ${trimmed.length > STDERR_TAIL ? `…${trimmed.slice(-STDERR_TAIL)}` : trimmed}`;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
