import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../git/testing/temporary-repository.js';
import { CaptureStream } from '../output/testing/capture-stream.js';
import { runCli } from './program.js';

async function dryRun(models: { drafter: string; reviewer: string }, ...extra: string[]) {
  const { repo, items } = temporaryRepository(['1', '2']);
  // Item 2's issue is much longer: its prompts, so its projected cost, are larger.
  writeFileSync(join(items, '2.md'), `---\ntitle: Feature 2\n---\n\n${'A long description of the feature. '.repeat(3000)}\n`);
  const stdout = new CaptureStream();
  const stderr = new CaptureStream();
  const argv = [
    'requirements',
    '--repo',
    repo,
    '--source',
    items,
    '--all',
    '--dry-run',
    '--drafter',
    models.drafter,
    '--reviewer',
    models.reviewer,
    ...extra,
  ];
  const code = await runCli(argv, {
    cwd: repo,
    env: { ...ISOLATED_GIT_ENV, OPENAI_API_KEY: 'sk-projection-test-key', ANTHROPIC_API_KEY: 'sk-ant-projection-test-key' },
    stdout,
    stderr,
    clock: new FakeClock(),
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text, repo };
}

function costOf(line: string | undefined): number {
  return Number(/\$(\d+\.\d+)\s*$/.exec(line ?? '')?.[1]);
}

describe('--dry-run projected cost', () => {
  it('shows each item’s projected cost from its prompt sizes and the total, calling no model and writing nothing', async () => {
    const result = await dryRun({ drafter: 'openai:gpt-4.1', reviewer: 'anthropic:claude-sonnet-4-5' });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^id\s+title\s+action\s+projected cost$/);
    const first = costOf(lines.find((line) => line.startsWith('1 ')));
    const second = costOf(lines.find((line) => line.startsWith('2 ')));
    expect(first).toBeGreaterThan(0);
    // ~100 KB more issue text, sent with each of the four calls: dollars' worth of tokens more, not cents.
    expect(second - first).toBeGreaterThan(0.1);
    const total = /^projected cost: \$(\d+\.\d+) for 2 items to run/m.exec(result.stdout)?.[1];
    expect(Number(total)).toBeCloseTo(first + second, 3);
    expect(result.stdout).toContain(
      '  assumes: draft, review, one revision, review; an LLD of about 4000 tokens; a resumed item costs less',
    );
    expect(result.stdout).toMatch(/dry run \(lld\): 2 items · 2 to start .*nothing was run or written\n$/);
    expect(readdirSync(result.repo)).not.toContain('.lldflow');
  });

  it('shows ? for a model without a price, and says so', async () => {
    const result = await dryRun({ drafter: 'openai:gpt-4.1', reviewer: 'openai:house-model' });
    expect(result.stdout).toMatch(/^1\s+Feature 1\s+start\s+\?$/m);
    expect(result.stdout).toMatch(/^projected cost: at least \$\d+\.\d+ \(\+ \?\) for 2 items to run/m);
    expect(result.stdout).toContain('  ?: no price for openai:house-model (give one under "prices" in lldflow.config.json)');
  });

  it('puts the projection into the --json plan', async () => {
    const result = await dryRun({ drafter: 'openai:gpt-4.1', reviewer: 'openai:gpt-4.1' }, '--json');
    const plan = JSON.parse(result.stdout) as {
      items: Array<{ id: string; projectedCostUsd: number | null }>;
      projectedCostUsd: number | null;
    };
    expect(plan.items.map((item) => item.id)).toEqual(['1', '2']);
    expect(plan.items.every((item) => typeof item.projectedCostUsd === 'number' && item.projectedCostUsd > 0)).toBe(true);
    expect(plan.projectedCostUsd).toBeCloseTo(
      plan.items.reduce((total, item) => total + (item.projectedCostUsd ?? 0), 0),
      9,
    );
  });
});
