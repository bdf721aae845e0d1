import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvingResponder } from '../../test/support/lld-responder.js';
import { temporaryRepository } from '../git/testing/temporary-repository.js';
import { cliInProcess, localServerEnvironment } from './testing/cli-in-process.js';
import type { FakeHttpServer } from '../providers/testing/fake-http-server.js';
import { fakeOpenAIServer } from '../providers/testing/fake-openai-server.js';

let server: FakeHttpServer;

beforeAll(async () => {
  server = await fakeOpenAIServer({ respond: approvingResponder });
});

afterAll(async () => {
  await server.close();
});

/** stdout and stderr as one sequence of writes, so a test can tell which came first. */
function recordedStreams() {
  const writes: Array<{ stream: 'stdout' | 'stderr'; text: string }> = [];
  const stream = (name: 'stdout' | 'stderr') => ({
    isTTY: false,
    write: (text: string) => writes.push({ stream: name, text }),
  });
  return { writes, stdout: stream('stdout'), stderr: stream('stderr') };
}

async function requirements(repo: string, items: string, extra: string[]) {
  const streams = recordedStreams();
  const { code } = await cliInProcess(['requirements', '--repo', repo, '--source', items, '--issue', '1', ...extra], {
    cwd: repo,
    env: localServerEnvironment(server.baseUrl, 'sk-execute-run-test', { LLDFLOW_DRAFTER: 'openai:d', LLDFLOW_REVIEWER: 'openai:r' }),
    stdout: streams.stdout,
    stderr: streams.stderr,
  });
  return { code, writes: streams.writes };
}

describe('a run says where its logs are before its first item starts', () => {
  it('`logs: <folder>` on stderr once, before any item line, and again with the summary', async () => {
    const { repo, items } = temporaryRepository(['1']);
    const run = await requirements(repo, items, []);
    expect(run.code).toBe(0);
    const stderr = run.writes.filter((write) => write.stream === 'stderr').map((write) => write.text);
    const logsLines = stderr.join('').match(/^logs: .*$/gm) ?? [];
    expect(logsLines).toHaveLength(1);
    expect(logsLines[0]).toMatch(new RegExp(`^logs: ${join(repo, '.lldflow', 'logs')}/\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}Z$`));
    const first = run.writes.findIndex((write) => write.text.includes('logs: '));
    const firstItemLine = run.writes.findIndex((write) => write.text.includes('[1]'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(firstItemLine).toBeGreaterThan(first);
    // The summary still ends with it, on the human output.
    const stdout = run.writes
      .filter((write) => write.stream === 'stdout')
      .map((write) => write.text)
      .join('');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(logsLines[0]);
  });

  it('with --json (human output on stderr) it is said at the start there too, and stdout stays JSON', async () => {
    const { repo, items } = temporaryRepository(['1']);
    const run = await requirements(repo, items, ['--json']);
    expect(run.code).toBe(0);
    const stderr = run.writes
      .filter((write) => write.stream === 'stderr')
      .map((write) => write.text)
      .join('');
    const lines = stderr.split('\n');
    const firstLogs = lines.findIndex((line) => line.startsWith('logs: '));
    const firstItem = lines.findIndex((line) => line.startsWith('[1]'));
    expect(firstLogs).toBeGreaterThanOrEqual(0);
    expect(firstItem).toBeGreaterThan(firstLogs);
    const stdout = run.writes
      .filter((write) => write.stream === 'stdout')
      .map((write) => write.text)
      .join('');
    expect(() => JSON.parse(stdout) as unknown).not.toThrow();
  });
});
