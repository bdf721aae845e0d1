import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeIssue {
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  state: 'open' | 'closed';
  /** GitHub lists pull requests among issues; they carry a `pull_request` field. */
  pullRequest?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  /** The token the server accepts; any other gets 401 Bad credentials. */
  token?: string;
  /** The most issues one page holds, whatever `per_page` asks, so a few issues already paginate. */
  maxPageSize?: number;
}

/**
 * A local stand-in for the few GitHub REST endpoints lldflow uses (list, get and create issues), on
 * 127.0.0.1 and a free port. Point a client's `baseUrl` at `baseUrl`.
 */
export class FakeGitHubServer {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly issues: FakeIssue[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Answer this many next requests with a primary rate-limit 403 whose reset time is already past. */
  rateLimitNext = 0;
  private readonly maxPageSize: number;
  private port = 0;

  private constructor(
    private readonly server: Server,
    options: FakeGitHubOptions,
  ) {
    this.owner = options.owner ?? 'octo';
    this.repo = options.repo ?? 'widgets';
    this.token = options.token ?? 'test-token-value';
    this.maxPageSize = options.maxPageSize ?? 100;
  }

  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHubServer> {
    const server = createServer();
    const fake = new FakeGitHubServer(server, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      fake.handle(request, response).catch((error: unknown) => {
        send(response, 500, { message: `fake server error: ${String(error)}` });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  addIssue(issue: Partial<FakeIssue> & { number: number }): FakeIssue {
    const full: FakeIssue = { title: `Issue ${issue.number}`, body: null, labels: [], state: 'open', ...issue };
    this.issues.push(full);
    return full;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.baseUrl);
    const body = await readJson(request);
    this.requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', authorization: request.headers.authorization, body });

    if (request.headers.authorization?.replace(/^(token|bearer) /i, '') !== this.token) {
      send(response, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    if (this.rateLimitNext > 0) {
      this.rateLimitNext -= 1;
      const resetSeconds = Math.floor(Date.now() / 1000) - 10;
      send(
        response,
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetSeconds) },
      );
      return;
    }

    const prefix = `/repos/${this.owner}/${this.repo}/issues`;
    const single = new RegExp(`^${prefix}/(\\d+)$`).exec(url.pathname);
    if (url.pathname === prefix && request.method === 'GET') {
      this.listIssues(url, response);
    } else if (url.pathname === prefix && request.method === 'POST') {
      this.createIssue(body, response);
    } else if (single?.[1] !== undefined && request.method === 'GET') {
      const issue = this.issues.find((candidate) => candidate.number === Number(single[1]));
      if (issue === undefined) {
        send(response, 404, { message: 'Not Found' });
      } else {
        send(response, 200, this.toJson(issue));
      }
    } else {
      send(response, 404, { message: 'Not Found' });
    }
  }

  private listIssues(url: URL, response: ServerResponse): void {
    const state = url.searchParams.get('state') ?? 'open';
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), this.maxPageSize);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    // GitHub's default order: newest first.
    const matching = this.issues
      .filter((issue) => state === 'all' || issue.state === state)
      .sort((left, right) => right.number - left.number);
    const pageItems = matching.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < matching.length) {
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.href}>; rel="next"`;
    }
    send(
      response,
      200,
      pageItems.map((issue) => this.toJson(issue)),
      headers,
    );
  }

  private createIssue(body: unknown, response: ServerResponse): void {
    const input = body as { title?: unknown; body?: unknown; labels?: unknown } | undefined;
    if (typeof input?.title !== 'string' || input.title === '') {
      send(response, 422, { message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }] });
      return;
    }
    const issue = this.addIssue({
      number: Math.max(0, ...this.issues.map((existing) => existing.number)) + 1,
      title: input.title,
      body: typeof input.body === 'string' ? input.body : null,
      labels: Array.isArray(input.labels) ? input.labels.map(String) : [],
    });
    send(response, 201, this.toJson(issue));
  }

  private toJson(issue: FakeIssue): Record<string, unknown> {
    const htmlUrl = `https://github.com/${this.owner}/${this.repo}/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`;
    return {
      id: 1000 + issue.number,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      labels: issue.labels.map((name, index) => ({ id: index + 1, name, color: 'ededed' })),
      html_url: htmlUrl,
      url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/issues/${issue.number}`,
      ...(issue.pullRequest ? { pull_request: { url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/pulls/${issue.number}` } } : {}),
    };
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}
