import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSandbox, type Sandbox } from '../../process/sandbox.js';
import { runTestCommand } from './test-command.js';
import { processesNaming } from '../../process/testing/processes-naming.js';

// The real sandbox: .ci/run installs bubblewrap, so these run in CI; elsewhere they say why they do not.
const sandbox: Sandbox | undefined = (() => {
  try {
    return resolveSandbox('bwrap', { env: process.env });
  } catch {
    return undefined;
  }
})();

let root: string;
let worktree: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'lldflow-sandbox-')));
  worktree = join(root, 'repo', '.lldflow', 'worktrees', '7');
  await mkdir(worktree, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function run(command: string, options: { network?: boolean; timeoutMs?: number; signal?: AbortSignal; env?: Record<string, string> } = {}) {
  return runTestCommand({
    command,
    cwd: worktree,
    timeoutMs: options.timeoutMs ?? 20_000,
    killGraceMs: 500,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
    sandbox: {
      sandbox: sandbox!,
      readable: [join(root, 'repo')],
      hidden: [join(root, 'repo', '.lldflow')],
      network: options.network ?? false,
    },
    isSecretValue: (value) => value.includes('sk-sandbox-secret'),
  });
}

describe.skipIf(sandbox === undefined)('runTestCommand in the bubblewrap sandbox', () => {
  it('writes only inside the worktree: the repository, lldflow state and the rest of the disk stay untouched', async () => {
    await writeFile(join(root, 'repo', 'README.md'), 'original\n');
    const result = await run(
      [
        'echo inside > result.txt',
        `echo hacked > ${join(root, 'repo', 'README.md')} || echo "repo: refused"`,
        `echo planted > ${join(root, 'outside.txt')} || echo "outside: refused"`,
        `ls ${join(root, 'repo', '.lldflow')} | wc -l | sed 's/^/state entries: /'`,
        'echo scratch > /tmp/scratch.txt && echo "tmp: private"',
      ].join('; '),
    );
    expect(result.exitCode).toBe(0);
    expect(await readFile(join(worktree, 'result.txt'), 'utf8')).toBe('inside\n');
    expect(await readFile(join(root, 'repo', 'README.md'), 'utf8')).toBe('original\n');
    expect(existsSync(join(root, 'outside.txt'))).toBe(false);
    expect(existsSync('/tmp/scratch.txt')).toBe(false);
    expect(result.output).toContain('repo: refused');
    // The worktree is mounted back over the hidden state folder; nothing else of .lldflow shows.
    expect(result.output).toContain('state entries: 1');
  });

  it('sees no other process, so no other process environment, and no secret in its own', async () => {
    process.env.LLDFLOW_TEST_LEAKED = 'sk-sandbox-secret-1';
    process.env.LLDFLOW_TEST_API_KEY = 'a-named-credential';
    let result;
    try {
      result = await run(
        `ls /proc | grep -c '^[0-9]' | sed 's/^/processes: /'; cat /proc/${process.pid}/environ > /dev/null 2>&1 || echo "host process: invisible"; env`,
      );
    } finally {
      delete process.env.LLDFLOW_TEST_LEAKED;
      delete process.env.LLDFLOW_TEST_API_KEY;
    }
    expect(result.output).toContain('host process: invisible');
    expect(Number(/processes: (\d+)/.exec(result.output)?.[1])).toBeLessThan(10);
    expect(result.output).not.toContain('sk-sandbox-secret');
    expect(result.output).not.toContain('a-named-credential');
    expect(result.output).toContain('HOME=/tmp/home');
  });

  it('has no network unless asked, and loopback inside either way', async () => {
    const server: Server = createServer((_request, response) => response.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const probe = `node -e "fetch('http://127.0.0.1:${port}').then(r => r.text()).then(t => console.log('host:', t), () => console.log('host: unreachable'))"`;
    try {
      expect((await run(probe)).output).toContain('host: unreachable');
      expect((await run(probe, { network: true })).output).toContain('host: reached');
      const loopback = `node -e "const s=require('http').createServer((q,r)=>r.end('ok')).listen(0,'127.0.0.1',()=>fetch('http://127.0.0.1:'+s.address().port).then(r=>r.text()).then(t=>{console.log('loopback:',t);s.close()}))"`;
      expect((await run(loopback)).output).toContain('loopback: ok');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('leaves no process behind: not a setsid child after a normal end, not a SIGTERM-ignoring one after a time-out or an abort', async () => {
    const marker = `lldflow-sandbox-marker-${process.pid}`;
    const lingerer = `node -e "process.on('SIGTERM',()=>{}); setInterval(()=>{},1000)" ${marker}`;

    const normal = await run(`setsid ${lingerer}-a > /dev/null 2>&1 & sleep 0.5; echo started`);
    expect(normal.exitCode).toBe(0);
    expect(await processesNaming(`${marker}-a`)).toEqual([]);

    const timedOut = await run(`trap '' TERM; ${lingerer}-b & setsid ${lingerer}-c & wait`, { timeoutMs: 1500 });
    expect(timedOut.timedOut).toBe(true);
    expect(await processesNaming(`${marker}-b`)).toEqual([]);
    expect(await processesNaming(`${marker}-c`)).toEqual([]);

    const controller = new AbortController();
    const aborted = run(`trap '' TERM; setsid ${lingerer}-d & wait`, { signal: controller.signal });
    // Waits for the real process to start inside the sandbox; no clock could drive that.
    for (let tries = 0; tries < 100 && (await processesNaming(`${marker}-d`)).length === 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(await processesNaming(`${marker}-d`)).toEqual([]);
  });
});

describe('resolveSandbox', () => {
  it('refuses auto and bwrap without bubblewrap on PATH, saying how to install it or to pass --sandbox none', () => {
    for (const mode of ['auto', 'bwrap']) {
      expect(() => resolveSandbox(mode, { env: { PATH: '/nonexistent' }, platform: 'linux' })).toThrow(
        /bubblewrap \(bwrap\) is not on PATH.*apt-get install bubblewrap.*or pass --sandbox none/,
      );
    }
  });

  it('refuses a platform without bubblewrap, and an unknown mode', () => {
    expect(() => resolveSandbox('auto', { env: {}, platform: 'darwin' })).toThrow(/Linux-only; on darwin pass --sandbox none/);
    expect(() => resolveSandbox('docker', { env: {} })).toThrow(/invalid --sandbox "docker": use one of auto, bwrap, none/);
  });

  it('none wraps nothing and says what it gives up', () => {
    const none = resolveSandbox('none', { env: {} });
    expect(none.kind).toBe('none');
    expect(none.wrap('npm test', { worktree: '/w', readable: [], hidden: [], network: false, env: {} })).toBeUndefined();
    expect(none.description).toMatch(/with your privileges/);
  });
});
