import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, InterruptedError, UsageError } from '../core/errors.js';
import { GitHubIssueSource, parseGitHubRemote, readOriginRemote } from './github-issues.js';
import { FakeGitHubServer } from './testing/fake-github-server.js';

describe('GitHubIssueSource against a local fake GitHub', () => {
  let server: FakeGitHubServer;

  beforeEach(async () => {
    server = await FakeGitHubServer.start({ maxPageSize: 2 });
  });

  afterEach(async () => {
    await server.close();
  });

  function source(overrides: { token?: string | undefined; signal?: AbortSignal; baseUrl?: string } = {}): GitHubIssueSource {
    return new GitHubIssueSource({
      owner: server.owner,
      repo: server.repo,
      token: 'token' in overrides ? overrides.token : server.token,
      baseUrl: overrides.baseUrl ?? server.baseUrl,
      retryBaseMs: 1,
      ...(overrides.signal === undefined ? {} : { signal: overrides.signal }),
    });
  }

  it('lists every open issue across pages, without pull requests or closed issues, sorted by number', async () => {
    server.addIssue({ number: 3, title: 'Export CSV', body: 'As a user…', labels: ['feature', 'csv'] });
    server.addIssue({ number: 10, title: 'Dark mode' });
    server.addIssue({ number: 7, title: 'A pull request', pullRequest: true });
    server.addIssue({ number: 2, title: 'Old', state: 'closed' });
    server.addIssue({ number: 1, title: 'Login' });
    server.addIssue({ number: 12, title: 'Search' });

    const items = await source().listOpenIssues();

    expect(items).toEqual([
      { id: '1', title: 'Login', body: '', labels: [], path: 'https://github.com/octo/widgets/issues/1' },
      { id: '3', title: 'Export CSV', body: 'As a user…', labels: ['feature', 'csv'], path: 'https://github.com/octo/widgets/issues/3' },
      { id: '10', title: 'Dark mode', body: '', labels: [], path: 'https://github.com/octo/widgets/issues/10' },
      { id: '12', title: 'Search', body: '', labels: [], path: 'https://github.com/octo/widgets/issues/12' },
    ]);
    const listRequests = server.requests.filter((request) => request.url.startsWith('/repos/octo/widgets/issues?'));
    // 5 open entries (4 issues + 1 pull request) at 2 per page.
    expect(listRequests).toHaveLength(3);
    expect(listRequests[0]?.url).toContain('state=open');
    expect(listRequests.every((request) => request.authorization === `token ${server.token}`)).toBe(true);
  });

  it('gets exactly the requested issues', async () => {
    server.addIssue({ number: 4, title: 'Four', body: 'body 4', labels: ['x'] });
    server.addIssue({ number: 5, title: 'Five' });
    const items = await source().getIssues(['5', '4', '5']);
    expect(items.map((item) => [item.id, item.title, item.body, item.labels])).toEqual([
      ['5', 'Five', '', []],
      ['4', 'Four', 'body 4', ['x']],
    ]);
  });

  it('an unknown issue number is a UsageError naming it', async () => {
    server.addIssue({ number: 1 });
    await expect(source().getIssues(['1', '99'])).rejects.toThrow(UsageError);
    await expect(source().getIssues(['99'])).rejects.toThrow(/issue 99 does not exist in octo\/widgets/);
  });

  it('refuses a pull request number and a non-number', async () => {
    server.addIssue({ number: 8, pullRequest: true });
    await expect(source().getIssues(['8'])).rejects.toThrow(/pull request/);
    await expect(source().getIssues(['LLD-8'])).rejects.toThrow(UsageError);
    expect(server.requests.filter((request) => request.url.endsWith('/LLD-8'))).toEqual([]);
  });

  it('creates an issue and returns its number and address', async () => {
    server.addIssue({ number: 41 });
    const created = await source().createIssue({ title: 'New idea', body: 'Details', labels: ['idea'] });
    expect(created).toEqual({ number: 42, url: 'https://github.com/octo/widgets/issues/42' });
    expect(server.issues.find((issue) => issue.number === 42)).toMatchObject({ title: 'New idea', body: 'Details', labels: ['idea'] });
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', body: { title: 'New idea', body: 'Details', labels: ['idea'] } });
  });

  it('a missing token is a ConfigurationError before any request', () => {
    expect(() => source({ token: undefined })).toThrow(ConfigurationError);
    expect(() => source({ token: '' })).toThrow(/GITHUB_TOKEN is not set/);
    expect(server.requests).toEqual([]);
  });

  it('a rejected token is a ConfigurationError that never shows the token', async () => {
    const secret = 'ghp_supersecretvalue123';
    const failure = await source({ token: secret })
      .listOpenIssues()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).toMatch(/rejected GITHUB_TOKEN \(401/);
    expect((failure as Error).message).toContain(server.baseUrl);
    expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).not.toContain(secret);
    expect(String((failure as Error).stack)).not.toContain(secret);
    expect(server.requests).toHaveLength(1);
  });

  it('an unknown repository is a ConfigurationError naming it', async () => {
    const other = new GitHubIssueSource({ owner: 'octo', repo: 'missing', token: server.token, baseUrl: server.baseUrl, retryBaseMs: 1 });
    await expect(other.listOpenIssues()).rejects.toThrow(ConfigurationError);
    await expect(other.listOpenIssues()).rejects.toThrow(/octo\/missing not found/);
  });

  it('an unreachable API is a ConfigurationError naming its address', async () => {
    const closed = await FakeGitHubServer.start();
    const deadUrl = closed.baseUrl;
    await closed.close();
    const failure = await source({ baseUrl: deadUrl })
      .listOpenIssues()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).toContain(`cannot reach the GitHub API at ${deadUrl}`);
    expect((failure as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('waits out a primary rate limit that has already reset and retries once', async () => {
    server.addIssue({ number: 1, title: 'Login' });
    server.rateLimitNext = 1;
    const items = await source().listOpenIssues();
    expect(items.map((item) => item.id)).toEqual(['1']);
    expect(server.requests).toHaveLength(2);
  });

  it('an aborted signal rejects with its reason and sends nothing', async () => {
    const controller = new AbortController();
    controller.abort(new InterruptedError());
    await expect(source({ signal: controller.signal }).listOpenIssues()).rejects.toBeInstanceOf(InterruptedError);
    expect(server.requests).toEqual([]);
  });
});

describe('parseGitHubRemote', () => {
  it.each([
    ['https://github.com/octo/widgets.git', 'octo', 'widgets'],
    ['https://github.com/octo/widgets', 'octo', 'widgets'],
    ['https://github.com/octo/widgets/', 'octo', 'widgets'],
    ['http://github.com/Octo-Org/my.repo.git', 'Octo-Org', 'my.repo'],
    ['https://x-access-token:abc@github.com/octo/widgets.git', 'octo', 'widgets'],
    ['git@github.com:octo/widgets.git', 'octo', 'widgets'],
    ['git@github.com:octo/widgets', 'octo', 'widgets'],
    ['ssh://git@github.com/octo/widgets.git', 'octo', 'widgets'],
    ['ssh://git@github.com:22/octo/widgets.git', 'octo', 'widgets'],
    ['  git@github.com:octo/my_repo.git\n', 'octo', 'my_repo'],
  ])('%j → %s/%s', (url, owner, repo) => {
    expect(parseGitHubRemote(url)).toEqual({ owner, repo });
  });

  it.each([
    'https://gitlab.com/octo/widgets.git',
    'git@gitlab.com:octo/widgets.git',
    'https://github.com/octo',
    'https://github.com/octo/widgets/tree/main',
    'https://github.com.evil.example/octo/widgets',
    'file:///srv/repos/widgets.git',
    '/srv/repos/widgets.git',
    'not a url',
    '',
  ])('%j is not a GitHub repository', (url) => {
    expect(parseGitHubRemote(url)).toBeUndefined();
  });
});

describe('readOriginRemote', () => {
  const git = promisify(execFile);
  let repoRoot: string;

  beforeEach(async () => {
    repoRoot = await mkdtemp(join(tmpdir(), 'lldflow-remote-'));
    await git('git', ['init', '--quiet'], { cwd: repoRoot });
  });

  afterEach(async () => {
    await rm(repoRoot, { recursive: true, force: true });
  });

  it('reads the origin URL', async () => {
    await git('git', ['remote', 'add', 'origin', 'git@github.com:octo/widgets.git'], { cwd: repoRoot });
    expect(await readOriginRemote(repoRoot)).toBe('git@github.com:octo/widgets.git');
  });

  it('a repository without origin is a ConfigurationError naming the folder', async () => {
    await expect(readOriginRemote(repoRoot)).rejects.toThrow(ConfigurationError);
    await expect(readOriginRemote(repoRoot)).rejects.toThrow(repoRoot);
  });

  it('a folder that does not exist is a ConfigurationError', async () => {
    await expect(readOriginRemote(join(repoRoot, 'missing'))).rejects.toThrow(ConfigurationError);
  });
});
