import { Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { addRunnerOptions, resolveRunnerOptions } from './runner-options.js';

function parse(args: string[]) {
  const errors: string[] = [];
  const command = addRunnerOptions(new Command('requirements'))
    .exitOverride()
    .configureOutput({ writeErr: (text) => errors.push(text), writeOut: () => undefined });
  try {
    command.parse(args, { from: 'user' });
  } catch {
    return { error: errors.join('') };
  }
  return { parsed: resolveRunnerOptions(command.opts(), '/projects/example') };
}

describe('runner options', () => {
  it.each([
    [[], 1],
    [['--parallel'], 3],
    [['--parallel', '0'], 1],
    [['--parallel', '1'], 1],
    [['--parallel', '7'], 7],
    [['--parallel', '10'], 10],
  ])('%j runs %i item(s) at once', (args, expected) => {
    expect(parse(['--all', ...args]).parsed?.options.parallel).toBe(expected);
    expect(parse(['--all', ...args]).parsed?.warnings).toEqual([]);
  });

  it('caps --parallel above 10 at 10 with a warning', () => {
    const result = parse(['--all', '--parallel', '25']).parsed;
    expect(result?.options.parallel).toBe(10);
    expect(result?.warnings).toEqual(['--parallel 25 is above the cap; running 10 items at once']);
  });

  it.each(['abc', '-1', '2.5', ''])('rejects --parallel %j naming the value', (value) => {
    expect(parse(['--all', '--parallel', value]).error).toContain(JSON.stringify(value));
  });

  it.each(['../x', '/etc', 'C:x', 'a/b', '', '-rf', '--help'])('rejects the item id %j naming it', (id) => {
    expect(parse(['--issue', id]).error).toContain(`invalid item id ${JSON.stringify(id)}`);
  });

  it('rejects an id starting with a dash inside a list, saying why', () => {
    expect(parse(['--issue', '3,-rf']).error).toContain(`invalid item id "-rf" (from --issue): it starts with '-'`);
  });

  it.each([
    [['--issue', '7,007'], '"7" and "007"'],
    [['--issue', '7', '--issue', '007'], '"7" and "007"'],
    [['--issue', 'Login,login'], '"Login" and "login"'],
  ])('%j: two ids of one item are a usage error naming both', (args, named) => {
    expect(parse(args).error).toContain(`item ids ${named} name one item`);
  });

  it('reads --max-item-size in KB (default 256) and rejects anything but a number > 0', () => {
    expect(parse(['--all']).parsed?.options.maxItemBytes).toBe(256 * 1024);
    expect(parse(['--all', '--max-item-size', '1024']).parsed?.options.maxItemBytes).toBe(1024 * 1024);
    expect(parse(['--all', '--max-item-size', '0.5']).parsed?.options.maxItemBytes).toBe(512);
    expect(parse(['--all', '--max-item-size', '0']).error).toContain('--max-item-size takes a number > 0, got "0"');
    expect(parse(['--all', '--max-item-size', 'big']).error).toContain('"big"');
  });

  it('collects repeated and comma-separated --issue values, without duplicates', () => {
    expect(parse(['--issue', '1,2', '--issue', '2', '--issue', 'x-3']).parsed?.options.ids).toEqual(['1', '2', 'x-3']);
  });

  it('turns --timeout minutes into milliseconds and validates the numeric options', () => {
    const options = parse(['--all', '--timeout', '1.5', '--budget', '0.25', '--max-iterations', '3', '--per-key-concurrency', '2']).parsed
      ?.options;
    expect(options).toMatchObject({
      timeoutMs: 90_000,
      budgetUsd: 0.25,
      maxIterations: 3,
      perKeyConcurrency: 2,
      repo: '/projects/example',
    });
    expect(parse(['--all', '--timeout', '0']).error).toContain('--timeout takes a number > 0');
    expect(parse(['--all', '--max-iterations', '1.5']).error).toContain('--max-iterations takes a whole number');
    expect(parse(['--all', '--per-key-concurrency', '0']).error).toContain('--per-key-concurrency takes a whole number');
  });
});

describe('blocked items: --retry-blocked, --continue, --restart', () => {
  it('parses each, off by default', () => {
    expect(parse(['--all']).parsed?.options).toMatchObject({ retryBlocked: false, continueBlocked: false, restart: false });
    expect(parse(['--retry-blocked', '--continue']).parsed?.options).toMatchObject({
      retryBlocked: true,
      continueBlocked: true,
      restart: false,
    });
    expect(parse(['--all', '--restart']).parsed?.options).toMatchObject({ restart: true, continueBlocked: false });
  });

  it('refuses --continue with --restart, naming both', () => {
    expect(() => parse(['--all', '--continue', '--restart'])).toThrow(/--continue .* --restart .*: pass one of them/);
  });
});
