import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { CaptureStream } from '../output/testing/capture-stream.js';
import { runCli } from './program.js';

describe('runCli', () => {
  it('--version prints the version in package.json', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const stdout = new CaptureStream();
    const stderr = new CaptureStream();
    const code = await runCli(['--version'], {
      cwd: process.cwd(),
      env: {},
      stdout,
      stderr,
      clock: new FakeClock(0),
      signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    expect(stdout.text).toBe(`${manifest.version}\n`);
    expect(stderr.text).toBe('');
  });
});
