import type { ProviderTransport } from '../src/model-call/model-client.js';
import { FetchTransport } from './fetch-transport.js';
import { HttpTransport } from './http-transport.js';

/** Which HTTP client the synthetic scenarios' bench transport uses. */
export type TransportKind = 'http' | 'fetch';

export const TRANSPORT_KINDS: readonly TransportKind[] = ['http', 'fetch'];

export function isTransportKind(value: string): value is TransportKind {
  return (TRANSPORT_KINDS as readonly string[]).includes(value);
}

export function createBenchTransport(kind: TransportKind, baseUrl: string): ProviderTransport {
  return kind === 'fetch' ? new FetchTransport(baseUrl, 'bench-model') : new HttpTransport(baseUrl, 'bench-model');
}
