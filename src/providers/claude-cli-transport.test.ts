import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { systemClock } from '../clock/clock.js';
import { KeyPool } from '../keys/key-pool.js';
import { InterruptedError } from '../core/errors.js';
import { ClaudeCliTransport, flattenPrompt } from './claude-cli-transport.js';
import { ModelCallError } from '../model-call/errors.js';
import type { ModelRequest } from '../model-call/model-client.js';
import { PooledModelClient } from './pooled-model-client.js';
import { createFakeClaude, fakeClaudeEnv, type FakeClaude, type FakeClaudeMode } from './testing/fake-claude-cli.js';

let fake: FakeClaude;
/** Every fake process a test started, killed after each test in case an assertion stopped it early. */
const started: number[] = [];
beforeAll(async () => {
  fake = await createFakeClaude();
});
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
afterAll(async () => {
  await fake.remove();
});

function request(signal = new AbortController().signal, extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    role: 'drafter',
    trace: { itemId: '7', step: 'draft-1' },
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'Draft it.' }],
    signal,
    ...extra,
  };
}

function transport(
  mode: FakeClaudeMode,
  clock = new FakeClock(),
  extra: { idleTimeoutMs?: number; wallTimeoutMs?: number; killGraceMs?: number } = {},
) {
  return new ClaudeCliTransport({ model: 'sonnet', clock, command: fake.command, env: fakeClaudeEnv(fake, mode), ...extra });
}

/** Waits for an OS event (a file written by another process); nothing a fake clock could drive. */
async function waitFor<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function readSigtermLog(): string {
  try {
    return readFileSync(join(fake.dir, 'sigterm.log'), 'utf8');
  } catch {
    return '';
  }
}

function readPids(): { child: number; grandchild: number } | undefined {
  try {
    return JSON.parse(readFileSync(join(fake.dir, 'pids.json'), 'utf8')) as { child: number; grandchild: number };
  } catch {
    return undefined;
  }
}

/** A zombie (exited, not yet reaped by its new parent) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

async function expectGone(pids: { child: number; grandchild: number }): Promise<void> {
  await waitFor(
    () => (isAlive(pids.child) || isAlive(pids.grandchild) ? undefined : true),
    `pids ${pids.child} and ${pids.grandchild} to end`,
  );
  expect(isAlive(pids.child)).toBe(false);
  expect(isAlive(pids.grandchild)).toBe(false);
}

async function startHanging(mode: FakeClaudeMode, options: { idleTimeoutMs?: number; wallTimeoutMs?: number; killGraceMs?: number } = {}) {
  await rm(join(fake.dir, 'pids.json'), { force: true });
  await rm(join(fake.dir, 'sigterm.log'), { force: true });
  const clock = new FakeClock();
  const controller = new AbortController();
  const pending = transport(mode, clock, options)
    .call(request(controller.signal), undefined, controller.signal)
    .catch((caught: unknown) => caught);
  const pids = await waitFor(readPids, 'the fake claude to start');
  started.push(pids.child, pids.grandchild);
  return { clock, controller, pending, pids };
}

describe('ClaudeCliTransport', () => {
  it('sends the flattened prompt on stdin with the default arguments and reads the JSON result', async () => {
    const signal = new AbortController().signal;
    const reply = await transport('answer', undefined).call(request(signal), undefined, signal);

    const invocation = JSON.parse(await readFile(join(fake.dir, 'invocation.json'), 'utf8')) as { args: string[]; input: string };
    expect(invocation.args).toEqual([
      '-p',
      '--model',
      'sonnet',
      '--output-format',
      'json',
      '--disallowedTools',
      'Bash',
      'Edit',
      'MultiEdit',
      'Write',
      'NotebookEdit',
    ]);
    expect(invocation.input).toBe(flattenPrompt(request(signal)));
    expect(invocation.input).toContain('Be brief.');
    expect(invocation.input).toContain('Draft it.');
    expect(reply.text).toBe(`ANSWER for ${invocation.input.length} characters`);
    expect(reply.usage).toEqual({ inputTokens: 18, outputTokens: 7 });
    expect(reply.model).toBe('claude-sonnet-4-5-20250929');
    expect(reply.costUsd).toBe(0.0123);
  });

  it('reports the CLI cost through PooledModelClient, with no key', async () => {
    const clock = new FakeClock();
    const client = new PooledModelClient({
      transport: transport('answer', clock),
      pool: new KeyPool({ provider: 'claude-cli', keys: [], clock }),
      clock,
    });

    const response = await client.complete(request());

    expect(response.costUsd).toBe(0.0123);
    expect(response.keyName).toBeUndefined();
    expect(response.provider).toBe('claude-cli');
  });

  it('fails as subprocess with the stderr tail on a non-zero exit', async () => {
    const signal = new AbortController().signal;
    const error = await transport('fail')
      .call(request(signal), undefined, signal)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).reason).toBe('subprocess');
    expect((error as Error).message).toContain('exited with code 3');
    expect((error as Error).message).toContain('not logged in, run claude login');
    expect((error as Error).message.length).toBeLessThan(1200);
  });

  it('fails as subprocess when the result says is_error, and as malformed-response on output that is not JSON', async () => {
    const signal = new AbortController().signal;
    const errorResult = await transport('error-result')
      .call(request(signal), undefined, signal)
      .catch((caught: unknown) => caught);
    const garbage = await transport('garbage')
      .call(request(signal), undefined, signal)
      .catch((caught: unknown) => caught);

    expect((errorResult as ModelCallError).reason).toBe('subprocess');
    expect((errorResult as Error).message).toContain('model overloaded');
    expect((garbage as ModelCallError).reason).toBe('malformed-response');
  });

  it('fails as subprocess when the command does not exist', async () => {
    const signal = new AbortController().signal;
    const missing = new ClaudeCliTransport({ model: 'sonnet', clock: systemClock, command: join(fake.dir, 'no-such-claude') });

    const error = await missing.call(request(signal), undefined, signal).catch((caught: unknown) => caught);

    expect((error as ModelCallError).reason).toBe('subprocess');
    expect((error as Error).message).toContain('could not start');
  });

  it('kills the whole process group when the signal aborts', async () => {
    const { controller, pending, pids } = await startHanging('hang');
    expect(isAlive(pids.child)).toBe(true);
    expect(isAlive(pids.grandchild)).toBe(true);
    const reason = new InterruptedError();

    controller.abort(reason);

    expect(await pending).toBe(reason);
    await expectGone(pids);
  });

  it('sends SIGKILL to the group after the grace when SIGTERM is ignored', async () => {
    const { clock, controller, pending, pids } = await startHanging('hang-ignoring-sigterm', { killGraceMs: 2000 });

    controller.abort(new InterruptedError());
    await pending;
    // Both processes have received SIGTERM (and ignored it): still alive until the grace ends.
    await waitFor(() => {
      const log = readSigtermLog();
      return log.includes('child') && log.includes('grandchild') ? true : undefined;
    }, 'both processes to receive SIGTERM');
    expect(isAlive(pids.child)).toBe(true);
    expect(isAlive(pids.grandchild)).toBe(true);

    await clock.advance(2000);
    await expectGone(pids);
  });

  it('stops a process that stays silent past the idle time-out', async () => {
    const { clock, pending, pids } = await startHanging('hang', { idleTimeoutMs: 30_000, wallTimeoutMs: 600_000 });

    await clock.advance(30_000);
    const error = await pending;

    expect((error as ModelCallError).reason).toBe('timeout');
    expect((error as Error).message).toBe('claude-cli:sonnet produced no output for 30 s');
    await expectGone(pids);
  });

  it('stops a process that runs past the wall time-out', async () => {
    const { clock, pending, pids } = await startHanging('hang', { idleTimeoutMs: 600_000, wallTimeoutMs: 45_000 });

    await clock.advance(44_999);
    expect(isAlive(pids.child)).toBe(true);
    await clock.advance(1);
    const error = await pending;

    expect((error as ModelCallError).reason).toBe('timeout');
    expect((error as Error).message).toBe('claude-cli:sonnet timed out after 45 s');
    await expectGone(pids);
  });
});

describe('flattenPrompt', () => {
  it('labels earlier turns, keeps the last user message last and turns a schema into an instruction', () => {
    const prompt = flattenPrompt({
      ...request(),
      messages: [
        { role: 'user', content: 'Draft it.' },
        { role: 'assistant', content: '# Draft' },
        { role: 'user', content: 'Review it.' },
      ],
      jsonSchema: { name: 'verdict', schema: { type: 'object', required: ['verdict'] } },
    });

    expect(prompt.indexOf('Be brief.')).toBeLessThan(prompt.indexOf('<user>\nDraft it.'));
    expect(prompt).toContain('<assistant>\n# Draft\n</assistant>');
    expect(prompt.indexOf('# Draft')).toBeLessThan(prompt.indexOf('<user>\nReview it.'));
    expect(prompt).toContain('"required": [\n    "verdict"\n  ]');
  });
});
