import { EnvHttpProxyAgent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { ConfigurationError } from '../core/errors.js';

/** What `fetch` the provider SDKs and Octokit use: the standard signature. */
export type FetchFunction = typeof globalThis.fetch;

/** The proxies undici is given, each an http(s) URL or `''` for none. */
export interface ProxySettings {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/**
 * The `fetch` for every provider SDK and for Octokit: undici's fetch over an EnvHttpProxyAgent built
 * from `env` (never process.env, so what a run uses is what it was given).
 *
 * - `https_proxy` / `HTTPS_PROXY`, `http_proxy` / `HTTP_PROXY` and `no_proxy` / `NO_PROXY`, lowercase
 *   first as curl and undici read them; an empty value is unset. As in undici, https targets use the
 *   http proxy when only that one is set. A proxy that is not an http(s) URL is a ConfigurationError.
 * - Certificates: Node's default list plus `NODE_EXTRA_CA_CERTS` (read by Node at start); nothing here
 *   replaces that list.
 * - No header or body time-out: PooledModelClient bounds each call (wall limit, stall time-out) and
 *   the item's signal aborts it; undici's own limits would cut a slow but healthy answer.
 * - Responses are handed over as they stream in.
 */
export function createHttpStack(options: { env: Record<string, string | undefined> }): FetchFunction {
  const dispatcher = new EnvHttpProxyAgent({ ...proxySettings(options.env), headersTimeout: 0, bodyTimeout: 0 });
  const stackFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const [target, requestInit] = input instanceof Request ? await fromRequest(input, init) : [input, init];
    // The SDKs' init is the standard one; undici's own type differs only in types Node bundles separately.
    return undiciFetch(target, { ...(requestInit as UndiciRequestInit), dispatcher });
  };
  return stackFetch;
}

let direct: FetchFunction | undefined;

/**
 * One process-wide stack without proxies, for transports built without a fetch (tests, scripts): the
 * registry gives every transport a stack built from the run's env instead.
 */
export function sharedDirectFetch(): FetchFunction {
  direct ??= createHttpStack({ env: {} });
  return direct;
}

/** The proxy variables of `env`, checked; every field set (`''` for none) so undici never reads process.env. */
export function proxySettings(env: Record<string, string | undefined>): ProxySettings {
  return {
    httpProxy: proxyUrl(env, 'http_proxy', 'HTTP_PROXY'),
    httpsProxy: proxyUrl(env, 'https_proxy', 'HTTPS_PROXY'),
    noProxy: (env.no_proxy ?? env.NO_PROXY ?? '').trim(),
  };
}

function proxyUrl(env: Record<string, string | undefined>, lower: string, upper: string): string {
  const name = env[lower] === undefined ? upper : lower;
  const value = (env[name] ?? '').trim();
  if (value === '') return '';
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new ConfigurationError(
      `${name} is not an http:// or https:// proxy URL: ${withoutCredentials(value)} (for example http://proxy.example.com:3128)`,
    );
  }
  return value;
}

/** A proxy URL may carry `user:password@`: a message names the value without it. */
function withoutCredentials(value: string): string {
  return value.replace(/^([^/@]*\/\/)?[^/@]*@/, '$1***@');
}

/** undici's fetch does not take another implementation's Request: the parts it needs, as init. */
async function fromRequest(request: Request, init: RequestInit | undefined): Promise<[string, RequestInit]> {
  const body = request.body === null ? undefined : await request.arrayBuffer();
  return [request.url, { method: request.method, headers: request.headers, body, signal: request.signal, ...init }];
}
