import { describe, expect, it } from 'vitest';
import type { RunnerOptions } from '../runner/run-options.js';
import { blockedCommandsFor, buildRetryCommand, shellQuote } from './retry-command.js';

const options: RunnerOptions = {
  repo: '/projects/my repo',
  ids: undefined,
  all: true,
  retryFailed: false,
  source: '/projects/backlog',
  parallel: 5,
  dryRun: false,
  timeoutMs: 45 * 60_000,
  maxIterations: 3,
  budgetUsd: 0.5,
  perKeyConcurrency: 2,
  pacing: true,
  stallTimeoutMs: 180_000,
  maxItemBytes: 256 * 1024,
  json: false,
  debug: false,
};

describe('buildRetryCommand', () => {
  it('repeats the settings, quotes what a shell would split, and names exactly the ids to retry', () => {
    const command = buildRetryCommand(
      ['requirements', '--type', 'lld'],
      options,
      [
        ['--drafter', 'openai:gpt-4.1'],
        ['--template', undefined],
        ['--push', true],
        ['--pr', false],
      ],
      ['3', '7'],
    );
    expect(command).toBe(
      "lldflow requirements --type lld --repo '/projects/my repo' --source /projects/backlog --drafter openai:gpt-4.1 --push --parallel 2 --timeout 45 --max-iterations 3 --budget 0.5 --per-key-concurrency 2 --issue 3,7",
    );
  });

  it('leaves defaults out', () => {
    const plain = {
      ...options,
      repo: '/r',
      source: undefined,
      parallel: 1,
      timeoutMs: 30 * 60_000,
      maxIterations: undefined,
      budgetUsd: undefined,
      perKeyConcurrency: 1,
    };
    expect(buildRetryCommand(['implement'], plain, [], ['9'])).toBe('lldflow implement --repo /r --issue 9');
  });

  it('repeats a --max-item-size other than the default', () => {
    const plain = {
      ...options,
      repo: '/r',
      source: undefined,
      parallel: 1,
      timeoutMs: 30 * 60_000,
      maxIterations: undefined,
      budgetUsd: undefined,
      perKeyConcurrency: 1,
    };
    expect(buildRetryCommand(['implement'], { ...plain, maxItemBytes: 1024 * 1024 }, [], ['9'])).toBe(
      'lldflow implement --repo /r --max-item-size 1024 --issue 9',
    );
  });

  it('selects every item whose last run ended blocked with --retry-blocked, keeping --parallel as it was', () => {
    expect(buildRetryCommand(['requirements', '--type', 'lld'], { ...options, parallel: 5 }, [], 'retry-blocked')).toBe(
      "lldflow requirements --type lld --repo '/projects/my repo' --source /projects/backlog --parallel 5 --timeout 45 --max-iterations 3 --budget 0.5 --per-key-concurrency 2 --retry-blocked",
    );
  });

  it('builds the commands of blocked items: continue one, continue all, and approve a design (lld only)', () => {
    const retry = (selection: string[] | 'retry-blocked') =>
      `lldflow requirements --repo /r ${selection === 'retry-blocked' ? '--retry-blocked' : `--issue ${selection.join(',')}`}`;
    const lld = blockedCommandsFor(retry, 'lld', '/my repo');
    expect(lld.continueItems(['7'])).toBe('lldflow requirements --repo /r --issue 7 --continue');
    expect(lld.continueAllBlocked()).toBe('lldflow requirements --repo /r --retry-blocked --continue');
    expect(lld.approve?.('7')).toBe("lldflow approve 7 --repo '/my repo'");
    expect(blockedCommandsFor(retry, 'implement', '/r').approve).toBeUndefined();
    expect(blockedCommandsFor(retry, 'issue', '/r').approve).toBeUndefined();
  });

  it('quotes single quotes safely', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
