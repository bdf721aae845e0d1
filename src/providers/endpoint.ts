/** The API root a transport calls, as a connection failure names it. */
export interface Endpoint {
  url: string;
  /** The variable that sets another root (`OPENAI_BASE_URL`); unknown when the root was passed in directly. */
  variable?: string;
  /** Whether `url` came from that variable (else it is the provider's default). */
  fromVariable?: boolean;
}

/** What a socket-level code means, in a user's words. */
const CONNECTION_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection broken',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection lost',
  UND_ERR_CLOSED: 'connection closed',
};

/**
 * A connection failure's message: what happened, at which address, and the variable that set it, since
 * a wrong or unset `OPENAI_BASE_URL` is the usual cause (`openai:gpt-4.1: connection refused at
 * http://127.0.0.1:9/v1 (OPENAI_BASE_URL)`). Without an endpoint, the code alone.
 */
export function connectionFailure(label: string, code: string, endpoint: Endpoint | undefined): string {
  if (endpoint === undefined) return `${label}: connection failed (${code})`;
  const words = CONNECTION_WORDS[code] ?? `connection failed (${code})`;
  const source =
    endpoint.variable === undefined
      ? ''
      : endpoint.fromVariable === true
        ? ` (${endpoint.variable})`
        : ` (the default; ${endpoint.variable} sets another)`;
  return `${label}: ${words} at ${endpoint.url}${source}`;
}

/** The API root of a transport, with the variable that sets it, as connection failures name it. */
export function endpointOf(options: { baseUrl?: string; baseUrlVariable?: string }, url: string): Endpoint {
  return { url, variable: options.baseUrlVariable, fromVariable: options.baseUrl !== undefined };
}
