import { describe, expect, it } from 'vitest';
import { colorEnabled } from './color-choice.js';

const TTY = { isTTY: true };
const PIPE = { isTTY: false };

describe('colorEnabled', () => {
  it.each([
    ['nothing set, a terminal', {}, TTY, true],
    ['nothing set, a pipe', {}, PIPE, false],
    ['NO_COLOR=1', { NO_COLOR: '1' }, TTY, false],
    ['NO_COLOR=0 (any non-empty value)', { NO_COLOR: '0' }, TTY, false],
    ['NO_COLOR= (empty asks for nothing)', { NO_COLOR: '' }, TTY, true],
    ['FORCE_COLOR=1 on a pipe', { FORCE_COLOR: '1' }, PIPE, true],
    ['FORCE_COLOR=2 on a pipe', { FORCE_COLOR: '2' }, PIPE, true],
    ['FORCE_COLOR=3 on a pipe', { FORCE_COLOR: '3' }, PIPE, true],
    ['FORCE_COLOR=true on a pipe', { FORCE_COLOR: 'true' }, PIPE, true],
    ['FORCE_COLOR= (set, empty) on a pipe', { FORCE_COLOR: '' }, PIPE, true],
    ['FORCE_COLOR=0 on a terminal', { FORCE_COLOR: '0' }, TTY, false],
    ['FORCE_COLOR=false on a terminal', { FORCE_COLOR: 'false' }, TTY, false],
    ['FORCE_COLOR=1 over NO_COLOR=1', { FORCE_COLOR: '1', NO_COLOR: '1' }, PIPE, true],
    ['FORCE_COLOR=0 with NO_COLOR empty', { FORCE_COLOR: '0', NO_COLOR: '' }, TTY, false],
    ['TERM=dumb', { TERM: 'dumb' }, TTY, false],
    ['TERM=dumb with FORCE_COLOR=1', { TERM: 'dumb', FORCE_COLOR: '1' }, TTY, true],
  ])('%s → %s', (_name, env: Record<string, string>, stream, expected) => {
    expect(colorEnabled(env, stream)).toBe(expected);
  });
});
