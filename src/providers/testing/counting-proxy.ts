import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen-on-loopback.js';
import { connect, type Socket } from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** One request or tunnel the proxy carried. */
export interface ProxiedRecord {
  /** `connect` for a CONNECT tunnel (how undici reaches every target), `forward` for an absolute-form request. */
  kind: 'connect' | 'forward';
  /** `host:port` the client asked for. */
  target: string;
}

/**
 * A loopback HTTP proxy that counts what passes through it: CONNECT tunnels (undici's ProxyAgent
 * tunnels to every target, http ones too) and absolute-form requests (`GET http://host/path`, how
 * curl and most clients send plain-http requests through a proxy). It relays to loopback targets
 * only and refuses anything else with 403.
 */
export class CountingProxy {
  readonly records: ProxiedRecord[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor() {
    this.server = createServer((request, response) => this.forward(request, response));
    this.server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => this.tunnel(request, client, head));
    this.server.on('connection', (socket: Socket) => this.track(socket));
  }

  async start(): Promise<this> {
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  /** What to put in HTTPS_PROXY / HTTP_PROXY. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The local ports of the proxy's own connections to the targets: a request that came over one came through the proxy. */
  readonly upstreamPorts = new Set<number>();

  /** Tunnels and forwarded requests to this `host:port`. */
  countFor(target: string): number {
    return this.records.filter((record) => record.target === target).length;
  }

  /** Stops listening and cuts every open tunnel and connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(request: IncomingMessage, response: ServerResponse): void {
    let target: URL;
    try {
      target = new URL(request.url ?? '');
    } catch {
      response.writeHead(400).end('absolute-form requests only');
      return;
    }
    if (!LOOPBACK.has(target.hostname) || target.protocol !== 'http:') {
      response.writeHead(403).end('loopback http targets only');
      return;
    }
    this.records.push({ kind: 'forward', target: target.host });
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('socket', (socket) =>
      socket.on('connect', () => socket.localPort !== undefined && this.upstreamPorts.add(socket.localPort)),
    );
    upstream.on('error', () => response.destroy());
    response.on('close', () => upstream.destroy());
    request.pipe(upstream);
  }

  private tunnel(request: IncomingMessage, client: Socket, head: Buffer): void {
    this.track(client);
    const separator = (request.url ?? '').lastIndexOf(':');
    const host = (request.url ?? '').slice(0, separator);
    const port = Number((request.url ?? '').slice(separator + 1));
    if (separator < 0 || !LOOPBACK.has(host) || !Number.isInteger(port)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    this.records.push({ kind: 'connect', target: `${host}:${port}` });
    const upstream = connect(port, host.replace(/^\[|\]$/g, ''), () => {
      if (upstream.localPort !== undefined) this.upstreamPorts.add(upstream.localPort);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.track(upstream);
    const cut = (): void => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', cut);
    client.on('error', cut);
    upstream.on('close', cut);
    client.on('close', cut);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
