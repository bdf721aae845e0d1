import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../../src/git/testing/temporary-repository.js';
import type { FakeHttpServer, FakeReply, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import { CliProcess } from '../support/cli-process.js';
import { approvingResponder } from '../support/lld-responder.js';

// A real run (the CLI in a child process, a local OpenAI-compatible server, two keys, one HTTP 429),
// then `lldflow report`, then the report as a browser sees it: headless Chromium runs its inline script
// and prints the resulting DOM.

const KEYS = ['sk-report-first-key-0001', 'sk-report-second-key-0002'];
const ITEMS = ['1', '2', '3', '4'];
const HOSTILE = '5';
const HOSTILE_TITLE = `<img src=x onerror="document.title='pwned'"> & </script><b id="injected">bold</b>`;

let server: FakeHttpServer | undefined;
const folders: string[] = [];

afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** The first call is rate limited once (with a retry-after), so one key rests and the call moves on. */
function oneRateLimit(): (request: FakeRequest) => FakeReply {
  let limited = false;
  return (request) => {
    if (!limited) {
      limited = true;
      return { status: 429, retryAfterMs: 300, message: 'Rate limit reached' };
    }
    return approvingResponder(request);
  };
}

function cli(args: string[], repo: string): CliProcess {
  return new CliProcess(args, {
    cwd: repo,
    env: { ...ISOLATED_GIT_ENV, OPENAI_BASE_URL: server?.baseUrl, OPENAI_API_KEYS: KEYS.join(','), OPENAI_API_KEY: undefined },
  });
}

async function runRequirements(extra: string[] = []): Promise<{ repo: string; run: CliProcess }> {
  const { repo, items } = temporaryRepository(ITEMS);
  writeFileSync(join(items, `${HOSTILE}.md`), `---\ntitle: '${HOSTILE_TITLE.replaceAll("'", "''")}'\n---\n\nPlease add feature 5.\n`);
  server = await fakeOpenAIServer({ respond: oneRateLimit(), latencyMs: 40 });
  const args = ['requirements', '--repo', repo, '--source', items, '--all', '--parallel', '3'];
  const run = cli([...args, '--drafter', 'openai:gpt-4.1', '--reviewer', 'openai:gpt-4.1-mini', ...extra], repo);
  const exit = await run.exited;
  expect(exit.code, run.stdout + run.stderr).toBe(0);
  return { repo, run };
}

/** Chromium's DOM after the page's scripts ran; its profile in a folder of its own, its processes gone when it returns. */
async function renderedDom(file: string): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'lldflow-chromium-'));
  folders.push(profile);
  const args = ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`, '--dump-dom', pathToFileURL(file).href];
  const child = spawn('chromium', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(killGroup, 20_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`chromium could not start (apt-get install chromium): ${error.message}`)));
    child.once('exit', (exitCode) => resolve(exitCode));
  }).finally(() => {
    clearTimeout(timer);
    killGroup();
  });
  expect(code, stderr.slice(-2000)).toBe(0);
  return stdout;
}

/** The markup of one lane: from its opening tag to the next lane's, or the end of the timeline. */
function laneOf(dom: string, marker: string): string {
  const start = dom.indexOf(marker);
  if (start === -1) return '';
  const next = dom.indexOf('data-lane=', start + marker.length);
  return dom.slice(start, next === -1 ? dom.indexOf('</svg>', start) : next);
}

function attributeValues(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))].map((match) => match[1]!);
}

describe('lldflow report', () => {
  it('draws a lane for every item and every key, escapes what the run holds, and loads nothing from the network', async () => {
    const { repo, run } = await runRequirements();
    expect(run.stdout + run.stderr).toMatch(/openai#\d rate limited/);

    const report = cli(['report', '--repo', repo], repo);
    expect((await report.exited).code, report.stdout + report.stderr).toBe(0);
    const runId = readdirSync(join(repo, '.lldflow', 'runs'))
      .find((name) => name.endsWith('.json'))!
      .replace(/\.json$/, '');
    const path = join(repo, '.lldflow', 'reports', `${runId}.html`);
    expect(report.stdout).toBe(`report: ${path}\n`);

    const html = readFileSync(path, 'utf8');
    // Self-contained: no address of any scheme, no external resource of any kind.
    expect(html).not.toMatch(/[a-z][a-z0-9+.-]*:\/\//i);
    expect(html).not.toMatch(/<[a-z]+\b[^>]*\s(?:src|href|srcset|action)=|@import|url\(/i);
    expect(html).not.toContain(HOSTILE_TITLE);
    for (const key of KEYS) expect(html).not.toContain(key);

    const dom = await renderedDom(path);
    // The inline script ran: it marks the page and counts the lanes it found.
    expect(dom).toMatch(/<html[^>]* data-ready="true"/);
    const itemLanes = [...dom.matchAll(/<g [^>]*data-lane="item"[^>]*>/g)].map((match) => /data-id="([^"]*)"/.exec(match[0])?.[1]);
    expect(itemLanes.sort()).toEqual([...ITEMS, HOSTILE].sort());
    expect(attributeValues(dom, 'data-key').sort()).toEqual(['openai#1', 'openai#2']);
    expect(dom).toMatch(new RegExp(`<svg [^>]*data-lanes="${ITEMS.length + 1 + KEYS.length}"`));
    // Each item lane holds its stages and its model calls; the 429 and the rest it caused are drawn on a key lane.
    for (const id of [...ITEMS, HOSTILE]) {
      const lane = laneOf(dom, `data-lane="item" data-id="${id}"`);
      expect(lane, `lane of item ${id}`).toMatch(/class="stage"/);
      expect(lane, `lane of item ${id}`).toMatch(/class="call"/);
    }
    expect(dom).toMatch(/class="mark rate-limited"/);
    expect(dom).toMatch(/class="cooldown"/);
    // The hostile title is text, not markup: no element it tried to add, no script it tried to run.
    expect(dom).not.toMatch(/<b id="injected">/);
    expect(dom).not.toMatch(/<img src="?x/);
    expect(dom).toMatch(/<title>lldflow lld run [^<]+<\/title>/);
    expect(dom).toContain('&lt;b id="injected"&gt;bold&lt;/b&gt;');
    // The summary table with the costs of priced models.
    expect(dom).toMatch(/<table class="summary">/);
    expect(dom).toMatch(/<td class="number">\$0\.\d{4}<\/td>/);
  });

  it('--events writes every event as NDJSON, the same as the run keeps for the report', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lldflow-events-'));
    folders.push(folder);
    const eventsFile = join(folder, 'events.ndjson');
    const { repo } = await runRequirements(['--events', eventsFile]);
    const kept = readdirSync(join(repo, '.lldflow', 'runs')).find((name) => name.endsWith('.events.ndjson'))!;
    const streamed = readFileSync(eventsFile, 'utf8');
    expect(streamed).toBe(readFileSync(join(repo, '.lldflow', 'runs', kept), 'utf8'));
    const events = streamed
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; kind?: string; key?: string });
    expect(events[0]?.type).toBe('run-start');
    expect(events.at(-1)?.type).toBe('run-end');
    const kinds = new Set(events.filter((event) => event.type === 'key-event').map((event) => event.kind));
    expect([...kinds].sort()).toEqual(['cooldown', 'lease-end', 'lease-start', 'rate-limited']);
    for (const key of KEYS) expect(streamed).not.toContain(key);
  });

  it('--events - puts the events alone on stdout and the human output on stderr', async () => {
    const { run } = await runRequirements(['--events', '-']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(run.stderr).toMatch(/^total: .*5 succeeded/m);
  });

  it('refuses bad input with exit 2 and writes nothing: an unknown run id (listing the latest), an events file in no folder', async () => {
    const { repo } = await runRequirements();
    const runId = readdirSync(join(repo, '.lldflow', 'runs'))
      .find((name) => name.endsWith('.json'))!
      .replace(/\.json$/, '');
    for (const wanted of ['2020-01-01T00-00-00Z', '../../etc/passwd']) {
      const report = cli(['report', wanted, '--repo', repo], repo);
      expect((await report.exited).code).toBe(2);
      expect(report.stderr).toBe(
        `lldflow: no run ${JSON.stringify(wanted)} in .lldflow/runs/ of ${repo}: the latest is ${runId} (or pass latest)\n`,
      );
    }
    expect(existsSync(join(repo, '.lldflow', 'reports'))).toBe(false);

    const missing = join(repo, 'no-such-folder', 'events.ndjson');
    const events = cli(
      ['requirements', '--repo', repo, '--all', '--source', repo, '--drafter', 'openai:d', '--reviewer', 'openai:r', '--events', missing],
      repo,
    );
    expect((await events.exited).code).toBe(2);
    expect(events.stderr).toBe(`lldflow: --events ${missing}: no such folder ${join(repo, 'no-such-folder')}\n`);
    const both = cli(
      ['requirements', '--repo', repo, '--all', '--drafter', 'openai:d', '--reviewer', 'openai:r', '--events', '-', '--json'],
      repo,
    );
    expect((await both.exited).code).toBe(2);
    expect(both.stderr).toMatch(/--events - and --json both write to stdout/);
    expect(readdirSync(join(repo, '.lldflow', 'runs')).filter((name) => name.endsWith('.json'))).toEqual([`${runId}.json`]);
  });
});
