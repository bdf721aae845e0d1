import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { followLog, printLog, type FollowEnd } from './follow-log.js';

let folder: string;
let path: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'lldflow-follow-'));
  path = join(folder, '7.log');
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function follower(options: { working?: () => boolean } = {}) {
  const clock = new FakeClock();
  const controller = new AbortController();
  const state = { ended: false, written: '' };
  let end: FollowEnd | undefined;
  const done = followLog({
    path,
    write: (text) => (state.written += text),
    clock,
    signal: controller.signal,
    runEnded: () => state.ended,
    runWorking: options.working ?? (() => true),
  }).then((result) => (end = result));
  return { clock, controller, state, done, end: () => end };
}

describe('followLog', () => {
  it('prints the log, then each line appended to it, until the run ends; the lines written last are not lost', async () => {
    writeFileSync(path, 'start: Seven\n');
    const follow = follower();
    await follow.clock.advance(0);
    expect(follow.state.written).toBe('start: Seven\n');

    appendFileSync(path, 'stage: draft\n');
    expect(follow.state.written).toBe('start: Seven\n');
    await follow.clock.advance(250);
    expect(follow.state.written).toBe('start: Seven\nstage: draft\n');

    // The run writes its last lines, then its summary, between two looks.
    appendFileSync(path, 'end: succeeded\n');
    follow.state.ended = true;
    await follow.clock.advance(250);
    expect(await follow.done).toBe('run-ended');
    expect(follow.state.written).toBe('start: Seven\nstage: draft\nend: succeeded\n');
  });

  it('lines the run writes between a look at the file and its summary are printed before following stops', async () => {
    writeFileSync(path, 'start: Seven\n');
    const clock = new FakeClock();
    let written = '';
    let ended = false;
    const done = followLog({
      path,
      write: (text) => (written += text),
      clock,
      signal: new AbortController().signal,
      // The run ends right after the file was read: its last line and its summary land in between.
      runEnded: () => {
        if (!ended) return false;
        appendFileSync(path, 'end: succeeded\n');
        return true;
      },
      runWorking: () => true,
    });
    await clock.advance(0);
    ended = true;
    await clock.advance(250);
    expect(await done).toBe('run-ended');
    expect(written).toBe('start: Seven\nend: succeeded\n');
  });

  it('a character split between two writes comes out whole', async () => {
    const euro = Buffer.from('€\n');
    writeFileSync(path, euro.subarray(0, 2));
    const follow = follower();
    await follow.clock.advance(0);
    expect(follow.state.written).toBe('');
    appendFileSync(path, euro.subarray(2));
    await follow.clock.advance(250);
    expect(follow.state.written).toBe('€\n');
    follow.controller.abort();
    expect(await follow.done).toBe('interrupted');
  });

  it('Ctrl+C stops following at once', async () => {
    writeFileSync(path, 'line\n');
    const follow = follower();
    await follow.clock.advance(0);
    follow.controller.abort();
    expect(await follow.done).toBe('interrupted');
    expect(follow.clock.pendingSleeps).toBe(0);
  });

  it('a run that shows no sign of life for 30 s without a summary is given up on', async () => {
    writeFileSync(path, 'line\n');
    let working = true;
    const follow = follower({ working: () => working });
    await follow.clock.advance(10_000);
    working = false;
    await follow.clock.advance(29_000);
    expect(follow.end()).toBeUndefined();
    await follow.clock.advance(1_000);
    expect(await follow.done).toBe('run-gone');
  });
});

describe('printLog', () => {
  it('writes the whole file, however large', () => {
    const line = `${'x'.repeat(99)}\n`;
    writeFileSync(path, line.repeat(2000));
    let written = '';
    printLog(path, (text) => (written += text));
    expect(written).toBe(line.repeat(2000));
  });
});
