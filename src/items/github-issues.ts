import { execFile } from 'node:child_process';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { abortReason } from '../core/abort.js';
import { ConfigurationError, UsageError } from '../core/errors.js';
import { compareItemIds } from '../core/compare-item-ids.js';
import type { SourceItem } from './source-item.js';

const GITHUB_API = 'https://api.github.com';
const GitHubClient = Octokit.plugin(throttling, retry);
type GitHubClient = InstanceType<typeof GitHubClient>;

export interface GitHubIssueSourceOptions {
  owner: string;
  repo: string;
  /** GITHUB_TOKEN; undefined or empty is a ConfigurationError. Never printed. */
  token: string | undefined;
  /** The REST API root (default https://api.github.com); a local fake in tests, GHES in companies. */
  baseUrl?: string;
  /** Aborts in-flight requests; they then reject with the signal's reason. */
  signal?: AbortSignal;
  /** Base of the back-off between retries of failed requests, in ms (default 1000: waits 1 s, 4 s, 9 s). */
  retryBaseMs?: number;
  /**
   * The HTTP client: the run's HTTP stack, so GitHub calls take the same proxies as model calls.
   * Default: Node's global fetch (no proxy).
   */
  fetch?: typeof globalThis.fetch;
}

interface IssueJson {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  labels: Array<string | { name?: string | null }>;
  pull_request?: unknown;
}

/** GitHub issues of one repository as items, and filing new ones (the `issue` workflow's output). */
export class GitHubIssueSource {
  private readonly client: GitHubClient;
  private readonly apiUrl: string;
  private readonly signal: AbortSignal | undefined;
  private readonly repository: { owner: string; repo: string };

  constructor(options: GitHubIssueSourceOptions) {
    if (options.token === undefined || options.token.trim() === '') {
      throw new ConfigurationError(
        'GITHUB_TOKEN is not set: reading GitHub issues needs a token with access to the repository (or use --source <dir>)',
      );
    }
    this.apiUrl = (options.baseUrl ?? GITHUB_API).replace(/\/+$/, '');
    this.signal = options.signal;
    this.repository = { owner: options.owner, repo: options.repo };
    const silent = (): void => undefined;
    this.client = new GitHubClient({
      auth: options.token,
      baseUrl: this.apiUrl,
      userAgent: 'lldflow',
      // Octokit logs to the console by default; lldflow's logic never prints.
      log: { debug: silent, info: silent, warn: silent, error: silent },
      request: {
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      retry: { retryAfterBaseValue: options.retryBaseMs ?? 1000 },
      throttle: {
        // Wait out a rate limit once when it ends within a minute; otherwise fail with GitHub's message.
        onRateLimit: (retryAfter: number, _request: unknown, _client: unknown, retryCount: number) => retryCount < 1 && retryAfter <= 60,
        onSecondaryRateLimit: (retryAfter: number, _request: unknown, _client: unknown, retryCount: number) =>
          retryCount < 1 && retryAfter <= 60,
      },
    });
  }

  /** Every open issue (pull requests excluded), all pages, sorted by number. */
  async listOpenIssues(): Promise<SourceItem[]> {
    const issues = await this.call('listing open issues', () =>
      this.client.paginate(this.client.rest.issues.listForRepo, { ...this.repository, state: 'open', per_page: 100 }),
    );
    return (issues as IssueJson[])
      .filter((issue) => issue.pull_request === undefined || issue.pull_request === null)
      .map(toSourceItem)
      .sort((left, right) => compareItemIds(left.id, right.id));
  }

  /** Exactly these issues, in the order given; an unknown number is a UsageError naming it. */
  async getIssues(numbers: string[]): Promise<SourceItem[]> {
    const wanted = [...new Set(numbers)];
    for (const number of wanted) {
      if (!/^[1-9]\d{0,9}$/.test(number)) {
        throw new UsageError(`GitHub issues are numbered: ${JSON.stringify(number)} is not an issue number`);
      }
    }
    return Promise.all(wanted.map((number) => this.getIssue(number)));
  }

  async createIssue(input: { title: string; body: string; labels: string[] }): Promise<{ number: number; url: string }> {
    const response = await this.call('creating an issue', () =>
      this.client.rest.issues.create({ ...this.repository, title: input.title, body: input.body, labels: input.labels }),
    );
    return { number: response.data.number, url: response.data.html_url };
  }

  /** Opens a pull request from `head` into `base` (the implement workflow's --pr). */
  async createPullRequest(input: { head: string; base: string; title: string; body: string }): Promise<{ number: number; url: string }> {
    const response = await this.call(`opening a pull request for ${input.head}`, () =>
      this.client.rest.pulls.create({ ...this.repository, head: input.head, base: input.base, title: input.title, body: input.body }),
    );
    return { number: response.data.number, url: response.data.html_url };
  }

  private async getIssue(number: string): Promise<SourceItem> {
    const name = `${this.repository.owner}/${this.repository.repo}#${number}`;
    const response = await this.call(
      `reading issue ${name}`,
      () => this.client.rest.issues.get({ ...this.repository, issue_number: Number(number) }),
      (status) =>
        status === 404 || status === 410
          ? new UsageError(`issue ${number} does not exist in ${this.repository.owner}/${this.repository.repo} (or was deleted)`)
          : undefined,
    );
    const issue = response.data as IssueJson;
    if (issue.pull_request !== undefined && issue.pull_request !== null) {
      throw new UsageError(`${name} is a pull request, not an issue`);
    }
    return toSourceItem(issue);
  }

  /** Runs one API call and turns its failure into an error a user can act on. */
  private async call<T>(action: string, request: () => Promise<T>, byStatus?: (status: number) => Error | undefined): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (this.signal?.aborted) {
        throw abortReason(this.signal);
      }
      throw this.describeFailure(action, error, byStatus);
    }
  }

  private describeFailure(action: string, error: unknown, byStatus?: (status: number) => Error | undefined): Error {
    const status = readStatus(error);
    const hasResponse = typeof error === 'object' && error !== null && 'response' in error && error.response !== undefined;
    const detail = error instanceof Error ? error.message : String(error);
    const repository = `${this.repository.owner}/${this.repository.repo}`;
    if (status === undefined || !hasResponse) {
      // No HTTP answer at all: refused, unknown host, TLS, proxy.
      return new ConfigurationError(`cannot reach the GitHub API at ${this.apiUrl} while ${action}: ${detail}`);
    }
    const specific = byStatus?.(status);
    if (specific !== undefined) {
      return specific;
    }
    if (status === 401) {
      return new ConfigurationError(`GitHub at ${this.apiUrl} rejected GITHUB_TOKEN (401 ${detail}); set a valid token`);
    }
    if (status === 403) {
      return new ConfigurationError(`GitHub refused ${action} in ${repository} (403 ${detail}); check the token's permissions`);
    }
    if (status === 404) {
      return new ConfigurationError(`repository ${repository} not found at ${this.apiUrl}, or GITHUB_TOKEN cannot see it`);
    }
    return new Error(`GitHub API error while ${action} in ${repository}: ${status} ${detail}`);
  }
}

/** owner/repo of a GitHub remote URL (https, `git@github.com:o/r.git`, `ssh://`), else undefined. */
export function parseGitHubRemote(url: string): { owner: string; repo: string } | undefined {
  const trimmed = url.trim();
  const scpLike = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(trimmed);
  let host: string;
  let path: string;
  if (scpLike?.[1] !== undefined && scpLike[2] !== undefined) {
    host = scpLike[1];
    path = scpLike[2];
  } else {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:'].includes(parsed.protocol)) {
      return undefined;
    }
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  }
  if (!/^(www\.)?github\.com$/i.test(host)) {
    return undefined;
  }
  const match = /^\/?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(path);
  if (match?.[1] === undefined || match[2] === undefined || match[2] === '.' || match[2] === '..') {
    return undefined;
  }
  return { owner: match[1], repo: match[2] };
}

/** The `origin` remote's URL of the repository at `repoRoot`. */
export async function readOriginRemote(repoRoot: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    execFile('git', ['config', '--get', 'remote.origin.url'], { cwd: repoRoot, encoding: 'utf8' }, (error, stdout) => {
      const url = stdout.trim();
      if (error === null && url !== '') {
        resolve(url);
      } else if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new ConfigurationError(`cannot run git in ${repoRoot}: git is not installed or the folder does not exist`));
      } else {
        reject(
          new ConfigurationError(`${repoRoot} has no 'origin' remote: GitHub issues are read from origin (add one, or use --source <dir>)`),
        );
      }
    });
  });
}

function readStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') {
    return error.status;
  }
  return undefined;
}

function toSourceItem(issue: IssueJson): SourceItem {
  return {
    id: String(issue.number),
    title: issue.title,
    body: issue.body ?? '',
    labels: issue.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))).filter((name) => name !== ''),
    path: issue.html_url,
  };
}
