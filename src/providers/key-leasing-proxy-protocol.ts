import type { IncomingHttpHeaders } from 'node:http';
import type { KeyDemand } from '../keys/key-lease.js';
import { estimateRequestDemand } from '../keys/request-tokens.js';

/** The API the agent speaks, which decides where keys travel and how errors look. */
export type ProxyProtocol = 'anthropic' | 'openai';

/** Both ways a key can travel: the proxy forwards neither of the agent's, only the leased key. */
export const KEY_HEADERS: readonly string[] = ['x-api-key', 'authorization'];

/** The key the agent sent, from the header its protocol puts it in. */
export function presentedKey(protocol: ProxyProtocol, headers: IncomingHttpHeaders): string | undefined {
  if (protocol === 'anthropic') {
    const header = headers['x-api-key'];
    return typeof header === 'string' ? header : undefined;
  }
  const header = headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/** The header that carries a leased key upstream. */
export function keyHeader(protocol: ProxyProtocol, key: string): [string, string] {
  return protocol === 'anthropic' ? ['x-api-key', key] : ['authorization', `Bearer ${key}`];
}

export type ProxyErrorKind = 'missing-credential' | 'bad-request' | 'too-large' | 'unavailable' | 'upstream-unreachable';

/**
 * An error body the agent's SDK reads as its provider's own, so it shows lldflow's message instead of
 * a parse failure: Anthropic `{type:'error',error:{type,message}}`, OpenAI `{error:{message,type,code}}`.
 */
export function errorBody(protocol: ProxyProtocol, kind: ProxyErrorKind, message: string): unknown {
  if (protocol === 'anthropic') {
    const type =
      kind === 'missing-credential'
        ? 'authentication_error'
        : kind === 'bad-request' || kind === 'too-large'
          ? 'invalid_request_error'
          : 'api_error';
    return { type: 'error', error: { type, message } };
  }
  const type = kind === 'missing-credential' || kind === 'bad-request' || kind === 'too-large' ? 'invalid_request_error' : 'server_error';
  return { error: { message, type, code: kind === 'missing-credential' ? 'invalid_api_key' : null, param: null } };
}

/** The fields of the request bodies that the demand is read from, in either protocol. */
interface RequestBody {
  model?: unknown;
  /** Anthropic's system prompt; OpenAI Responses calls it `instructions`. */
  system?: unknown;
  instructions?: unknown;
  /** Both protocols' conversation; OpenAI Responses calls it `input`. */
  messages?: unknown;
  input?: unknown;
  /** Providers count tool definitions as input tokens, and an agent sends many. */
  tools?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  max_output_tokens?: unknown;
}

/**
 * What a request will spend of a key's limits, estimated as lldflow's own calls are (estimateRequestDemand:
 * input characters / 4 plus the requested maximum output), and the model the provider counts it against.
 * A body that is not JSON (a GET, say) spends one request and no tokens.
 */
export function requestDemand(body: Buffer): KeyDemand {
  const parsed = parseObject(body);
  if (!parsed) return { tokens: 0 };
  const system = [parsed.system, parsed.instructions].map(textOf).join('');
  const messages = [parsed.messages, parsed.input, parsed.tools].map((value) => ({ role: 'user' as const, content: textOf(value) }));
  const maxOutputTokens = [parsed.max_tokens, parsed.max_completion_tokens, parsed.max_output_tokens].find(
    (value): value is number => typeof value === 'number',
  );
  const demand = estimateRequestDemand({ system, messages, maxOutputTokens });
  return typeof parsed.model === 'string' ? { ...demand, model: parsed.model } : demand;
}

/** Strings count as they are; structured content (blocks, parts, tool schemas) by its JSON, a slight overestimate. */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function parseObject(body: Buffer): RequestBody | undefined {
  if (body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
