import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/testing/fake-clock.js';
import { ISOLATED_GIT_ENV, temporaryRepository } from '../git/testing/temporary-repository.js';
import { CaptureStream } from '../output/testing/capture-stream.js';
import { runCli } from './program.js';

/** The CLI in this process, with no key, model or setting of the machine's environment. */
async function lldflow(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const stdout = new CaptureStream();
  const stderr = new CaptureStream();
  const code = await runCli(argv, {
    cwd,
    env: { PATH: process.env.PATH, ...ISOLATED_GIT_ENV, NO_COLOR: '1', ...env },
    stdout,
    stderr,
    clock: new FakeClock(Date.UTC(2026, 4, 1)),
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('implement --source', () => {
  it('is refused as a usage error naming where implement reads its items, nothing written', async () => {
    const { repo, items } = temporaryRepository(['1']);
    const result = await lldflow(['implement', '--repo', repo, '--source', items, '--issue', '1', '--implementer', 'openai:gpt-4.1'], repo);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `lldflow: --source ${items}: implement takes no item folder; it works on the approved designs in docs/lld/active/ (--issue <id> picks them by id)\n`,
    );
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);
  });
});

describe('implement on a working tree with uncommitted designs', () => {
  it('names the uncommitted files and the commands that commit them', async () => {
    const { repo } = temporaryRepository([]);
    mkdirSync(join(repo, 'docs', 'lld', 'active'), { recursive: true });
    for (const id of ['001', '002', '003', '004']) writeFileSync(join(repo, 'docs', 'lld', 'active', `LLD-${id}.md`), `# ${id}\n`);
    const result = await lldflow(['implement', '--repo', repo, '--all', '--implementer', 'openai:gpt-4.1'], repo);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `lldflow: ${repo} has uncommitted changes (docs/lld/active/LLD-001.md, docs/lld/active/LLD-002.md, docs/lld/active/LLD-003.md and 1 more): ` +
        'implement branches from a commit, so commit the designs first: git add docs && git commit -m "Reviewed designs"; or pass --base <ref> to branch from a named commit\n',
    );
  });

  it('says to commit or stash other changes', async () => {
    const { repo } = temporaryRepository([]);
    writeFileSync(join(repo, 'README.md'), '# changed\n');
    const result = await lldflow(['implement', '--repo', repo, '--all', '--implementer', 'openai:gpt-4.1'], repo);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has uncommitted changes (README.md): implement branches from a commit, so commit or stash them;');
  });
});

describe('--help', () => {
  it('describes --max-iterations as each workflow uses it, and shows --source only where it is taken', async () => {
    const implement = await lldflow(['implement', '--help'], process.cwd());
    const requirements = await lldflow(['requirements', '--help'], process.cwd());
    expect(implement.code).toBe(0);
    const flat = (text: string): string => text.replace(/\s+/g, ' ');
    expect(flat(implement.stdout)).toMatch(
      /--max-iterations <n> code iterations per item \(test runs whose failures go back to the implementer\)/,
    );
    expect(implement.stdout).not.toContain('--source');
    expect(flat(requirements.stdout)).toMatch(/--max-iterations <n> review rounds per item before it ends as blocked/);
    expect(requirements.stdout).toContain('--source <dir>');
    for (const help of [implement.stdout, requirements.stdout]) {
      expect(flat(help)).toContain('--retry-failed only the items whose last run failed, was interrupted or was cancelled');
      expect(flat(help)).toContain('--quiet only warnings, errors and the summary');
    }
  });
});

describe('missing models and keys', () => {
  it('lists every missing key of the run in one error, before anything is written', async () => {
    const { repo, items } = temporaryRepository(['1']);
    const result = await lldflow(
      [
        'requirements',
        '--repo',
        repo,
        '--source',
        items,
        '--all',
        '--drafter',
        'anthropic:claude-sonnet-4-5',
        '--reviewer',
        'google:gemini-2.5-pro',
      ],
      repo,
    );
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toEqual([
      'lldflow: API keys missing for 2 providers:',
      '  no Anthropic API key (for --drafter anthropic:claude-sonnet-4-5): set ANTHROPIC_API_KEYS (comma-separated) or ANTHROPIC_API_KEY',
      '  no Gemini API key (for --reviewer google:gemini-2.5-pro): set GEMINI_API_KEYS (comma-separated) or GEMINI_API_KEY',
      '',
    ]);
    expect(existsSync(join(repo, '.lldflow'))).toBe(false);
  });

  it('lists every missing model in one error', async () => {
    const { repo, items } = temporaryRepository(['1']);
    const result = await lldflow(['requirements', '--repo', repo, '--source', items, '--all'], repo);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^lldflow: no drafter model: pass --drafter <provider:model> or set LLDFLOW_DRAFTER .*\nno reviewer model: pass --reviewer/,
    );
  });
});
