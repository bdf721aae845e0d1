import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVED_VERDICT, classifyCall, validLld } from '../../test/support/lld-responder.js';
import { systemClock } from '../clock/clock.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../git/testing/temporary-repository.js';
import { CaptureStream, stripEscapeCodes } from '../output/testing/capture-stream.js';
import type { FakeHttpServer, FakeReply, FakeRequest } from '../providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../providers/testing/fake-openai-server.js';
import { WITHOUT_PROXY } from '../providers/testing/without-proxy.js';
import { runCli } from './program.js';

const DISCUSS_VERDICT = JSON.stringify({
  verdict: 'DISCUSS',
  rationale: 'A product decision is needed.',
  feedback_items: [],
  open_questions: [{ question: 'Should the toggle be per user, or per site?', resolved: false }],
});

/** Item 1 is approved, item 2 blocked (the reviewer asks a human), item 3 fails (its draft is refused). */
function respond(request: FakeRequest): FakeReply {
  const call = classifyCall(request);
  // The server echoes the key: what lldflow shows and writes must not.
  if (call.itemId === '3') return { status: 400, message: `this request is refused for ${KEY}` };
  if (call.step === 'draft') return { text: validLld(call.itemId, `Feature ${call.itemId}`) };
  if (call.step.startsWith('review-')) return { text: call.itemId === '2' ? DISCUSS_VERDICT : APPROVED_VERDICT };
  return { status: 400, message: `unexpected call ${call.step}` };
}

const KEY = 'sk-run-output-test-key';
let server: FakeHttpServer;
const folders: string[] = [];

beforeAll(async () => {
  server = await fakeOpenAIServer({ respond });
});

afterAll(async () => {
  await server.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

interface Streams {
  stdout?: CaptureStream;
  stderr?: CaptureStream;
}

async function requirements(extra: string[], env: Record<string, string | undefined>, streams: Streams = {}) {
  const { repo, items } = temporaryRepository(['1', '2', '3']);
  const stdout = streams.stdout ?? new CaptureStream();
  const stderr = streams.stderr ?? new CaptureStream();
  const code = await runCli(['requirements', '--repo', repo, '--source', items, '--all', '--parallel', '3', ...extra], {
    cwd: repo,
    env: {
      PATH: process.env.PATH,
      ...WITHOUT_PROXY,
      ...ISOLATED_GIT_ENV,
      OPENAI_BASE_URL: server.baseUrl,
      OPENAI_API_KEY: KEY,
      LLDFLOW_DRAFTER: 'openai:drafter',
      LLDFLOW_REVIEWER: 'openai:reviewer',
      ...env,
    },
    stdout,
    stderr,
    clock: systemClock,
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text, repo };
}

function summaryFile(): string {
  const folder = mkdtempSync(join(tmpdir(), 'lldflow-github-'));
  folders.push(folder);
  const file = join(folder, 'step_summary.md');
  writeFileSync(file, '');
  return file;
}

describe('a run under GitHub Actions', () => {
  it('prints an annotation per failed or blocked item and appends the summary to $GITHUB_STEP_SUMMARY', async () => {
    const file = summaryFile();
    const run = await requirements([], { NO_COLOR: '1', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: file });
    expect(run.code).toBe(1);
    const annotations = run.stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(annotations).toHaveLength(2);
    const failed = annotations.find((line) => line.startsWith('::error '));
    const blocked = annotations.find((line) => line.startsWith('::warning '));
    expect(failed).toMatch(/^::error title=lldflow lld 3%3A failed::Feature 3: openai:drafter: HTTP 400: this request is refused/);
    expect(blocked).toMatch(/^::warning title=lldflow lld 2%3A blocked::Feature 2: /);
    expect(blocked).toContain('%0Aquestion: Should the toggle be per user, or per site?');
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toMatch(/^### lldflow lld run `\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ`\n/);
    expect(markdown).toMatch(/\n\| 1 \| Feature 1 \| ✅ succeeded \| done \| 2 \| \$[\d.]+ \| `docs\/lld\/active\/LLD-001\.md` \|\n/);
    expect(markdown).toMatch(/\n\| 2 \| Feature 2 \| ⚠️ blocked \| /);
    expect(markdown).toMatch(/\n\| 3 \| Feature 3 \| ❌ failed \| /);
    expect(markdown).toContain('  - Question: Should the toggle be per user, or per site?');
    expect(markdown).toContain('this request is refused for openai#1');
    expect(`${run.stdout}${run.stderr}${markdown}`).not.toContain(KEY);
  });

  it('prints no annotation and writes no summary outside GitHub Actions', async () => {
    const file = summaryFile();
    const run = await requirements([], { NO_COLOR: '1', GITHUB_STEP_SUMMARY: file });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/^::/m);
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('with --json keeps stdout for the JSON and prints the annotations with the human output', async () => {
    const run = await requirements(['--json'], { NO_COLOR: '1', GITHUB_ACTIONS: 'true' });
    expect(() => JSON.parse(run.stdout) as unknown).not.toThrow();
    expect(run.stderr.split('\n').filter((line) => line.startsWith('::'))).toHaveLength(2);
  });
});

describe('--quiet', () => {
  it('prints only warnings, the items that did not succeed and the summary', async () => {
    const loud = await requirements([], { NO_COLOR: '1' });
    const quiet = await requirements(['--quiet'], { NO_COLOR: '1' });
    expect(quiet.code).toBe(1);
    expect(loud.stdout).toMatch(/^\[1\] +starting$/m);
    const itemLines = quiet.stdout.split('\n').filter((line) => line.startsWith('['));
    expect(itemLines).toEqual([
      expect.stringMatching(/^\[\d\] +(failed|blocked) after /),
      expect.stringMatching(/^\[\d\] +(failed|blocked) after /),
    ]);
    expect(quiet.stdout).not.toMatch(/^lld run /m);
    expect(quiet.stdout).not.toMatch(/^progress: /m);
    expect(quiet.stdout).toMatch(/^total: 1 succeeded · 1 failed · 1 blocked/m);
  });
});

describe('colour', () => {
  const COLOUR_CODE = new RegExp(`${String.fromCharCode(27)}\\[3\\dm`);

  it.each([
    ['FORCE_COLOR=1 colours a pipe', { FORCE_COLOR: '1' }, false, true],
    ['FORCE_COLOR= (set, empty) colours a pipe', { FORCE_COLOR: '' }, false, true],
    ['FORCE_COLOR=0 keeps a terminal plain', { FORCE_COLOR: '0' }, true, false],
    ['NO_COLOR= (empty) leaves a terminal coloured', { NO_COLOR: '' }, true, true],
    ['NO_COLOR=1 keeps a terminal plain', { NO_COLOR: '1' }, true, false],
    ['a pipe is plain by default', {}, false, false],
  ])('%s', async (_name, env: Record<string, string>, isTTY, coloured) => {
    const stdout = new CaptureStream({ isTTY, columns: 120 });
    const run = await requirements([], { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color', ...env }, { stdout });
    expect(COLOUR_CODE.test(run.stdout)).toBe(coloured);
    expect(stripEscapeCodes(run.stdout)).toMatch(/^total: /m);
  });
});

describe('--dry-run on a terminal', () => {
  it('gives titles the terminal width', async () => {
    const title = 'Read a configuration file at the repository root, with flags over environment variables over the file';
    const dryRun = async (columns: number): Promise<string> => {
      const { repo, items } = temporaryRepository(['1']);
      writeFileSync(join(items, '1.md'), `---\ntitle: ${title}\n---\n\nPlease.\n`);
      const stdout = new CaptureStream({ isTTY: true, columns });
      await runCli(['requirements', '--repo', repo, '--source', items, '--all', '--dry-run'], {
        cwd: repo,
        env: {
          PATH: process.env.PATH,
          ...ISOLATED_GIT_ENV,
          NO_COLOR: '1',
          LLDFLOW_DRAFTER: 'openai:d',
          LLDFLOW_REVIEWER: 'openai:r',
          OPENAI_BASE_URL: server.baseUrl,
        },
        stdout,
        stderr: new CaptureStream(),
        clock: systemClock,
        signal: new AbortController().signal,
      });
      return stdout.text.split('\n').find((line) => line.startsWith('1 ')) ?? '';
    };
    expect(await dryRun(160)).toContain(title);
    const narrow = await dryRun(80);
    expect(narrow.length).toBeLessThan(80);
    expect(narrow).toMatch(/^1\s+Read a configuration file .*…\s+start\b/);
  });
});
