import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemSummary, RunSummary } from '../core/items.js';
import { annotation, escapeData, escapeProperty, GitHubActionsReporter } from './github-actions-reporter.js';
import { TerminalWriter } from './terminal-writer.js';
import { CaptureStream } from './testing/capture-stream.js';

function item(id: string, overrides: Partial<ItemSummary> = {}): ItemSummary {
  return {
    id,
    title: `Title ${id}`,
    status: 'succeeded',
    stage: 'done',
    durationMs: 61_000,
    llmCalls: 3,
    costUsd: 0.0123,
    output: `docs/lld/active/LLD-${id}.md`,
    error: null,
    ...overrides,
  };
}

const SUMMARY: RunSummary = {
  runId: '2026-05-01T10-00-00Z',
  workflow: 'lld',
  startedAt: '2026-05-01T10:00:00.000Z',
  durationMs: 125_000,
  parallel: 3,
  counts: { succeeded: 1, failed: 1, blocked: 1, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
  items: [
    item('012', { title: 'Add | a pipe <b>bold</b>' }),
    item('15', {
      status: 'failed',
      stage: 'draft',
      llmCalls: 1,
      costUsd: 0.001,
      output: null,
      error: 'openai:gpt-4.1: connection refused at http://127.0.0.1:9/v1 (OPENAI_BASE_URL)\nafter 3 attempts',
    }),
    item('17', {
      status: 'blocked',
      stage: 'review',
      error: 'the reviewer asked for a human decision (DISCUSS)',
      blocked: {
        questions: ['Which database: SQLite, or Postgres?'],
        blockingItems: ['Section 3 names no limit'],
        continueCommand: 'lldflow requirements --issue 17 --continue --max-iterations 3',
        approveCommand: 'lldflow approve 17',
      },
    }),
  ],
  retryCommand: 'lldflow requirements --issue 15',
  retryBlockedCommand: 'lldflow requirements --retry-blocked --continue',
};

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function setup(stepSummaryFile: string | undefined) {
  const stream = new CaptureStream();
  const reporter = new GitHubActionsReporter({ writer: new TerminalWriter(stream), stepSummaryFile });
  return { stream, reporter };
}

function temporaryFile(content: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'lldflow-step-summary-'));
  folders.push(folder);
  const file = join(folder, 'step-summary.md');
  writeFileSync(file, content);
  return file;
}

describe('workflow command escaping', () => {
  it('escapes %, CR and LF in messages, and also : and , in properties, as GitHub documents', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('lldflow lld 7: failed, twice %')).toBe('lldflow lld 7%3A failed%2C twice %25');
    expect(annotation('error', 'a: b', 'line 1\nline 2')).toBe('::error title=a%3A b::line 1%0Aline 2');
  });
});

describe('GitHubActionsReporter', () => {
  it('prints an ::error line per failed item and a ::warning line per blocked one when the run ends, one line each', () => {
    const { stream, reporter } = setup(undefined);
    reporter.onEvent({ type: 'item-end', at: 0, id: '15', result: SUMMARY.items[1] as ItemSummary });
    expect(stream.text).toBe('');
    reporter.onEvent({ type: 'run-end', at: 0, summary: SUMMARY });
    const lines = stream.text.split('\n').slice(0, -1);
    expect(lines).toEqual([
      '::error title=lldflow lld 15%3A failed::Title 15: openai:gpt-4.1: connection refused at http://127.0.0.1:9/v1 (OPENAI_BASE_URL)%0Aafter 3 attempts',
      '::warning title=lldflow lld 17%3A blocked::Title 17: the reviewer asked for a human decision (DISCUSS)%0Aquestion: Which database: SQLite, or Postgres?%0Acontinue: lldflow requirements --issue 17 --continue --max-iterations 3%0Aapprove: lldflow approve 17',
    ]);
  });

  it('appends the run as markdown to $GITHUB_STEP_SUMMARY, keeping what earlier steps wrote', async () => {
    const file = temporaryFile('## from an earlier step\n');
    const { reporter } = setup(file);
    reporter.onEvent({ type: 'run-end', at: 0, summary: SUMMARY });
    await reporter.close();
    const markdown = readFileSync(file, 'utf8');
    expect(markdown.startsWith('## from an earlier step\n### lldflow lld run `2026-05-01T10-00-00Z`\n')).toBe(true);
    const lines = markdown.split('\n');
    expect(lines).toContain('**3 items** · 1 succeeded · 1 failed · 1 blocked · 7 model calls · $0.0256 · wall time 2m05s');
    expect(lines).toContain('| item | title | status | stage | model calls | cost | output |');
    // A pipe in a title does not end its cell, and markup in it is shown, not rendered.
    expect(lines).toContain(
      '| 012 | Add \\| a pipe &lt;b&gt;bold&lt;/b&gt; | ✅ succeeded | done | 3 | $0.0123 | `docs/lld/active/LLD-012.md` |',
    );
    expect(lines).toContain('| 15 | Title 15 | ❌ failed | draft | 1 | $0.0010 |  |');
    expect(lines).toContain('| 17 | Title 17 | ⚠️ blocked | review | 3 | $0.0123 | `docs/lld/active/LLD-17.md` |');
    const failed = lines.indexOf('#### Failed');
    expect(lines.slice(failed + 2, failed + 6)).toEqual([
      '- **15** Title 15: openai:gpt-4.1: connection refused at http://127.0.0.1:9/v1 (OPENAI_BASE_URL)',
      '  ```text',
      '  after 3 attempts',
      '  ```',
    ]);
    const blocked = lines.indexOf('#### Blocked: a human decides');
    expect(lines.slice(blocked + 2, blocked + 7)).toEqual([
      '- **17** Title 17: the reviewer asked for a human decision (DISCUSS)',
      '  - Question: Which database: SQLite, or Postgres?',
      '  - Blocking: Section 3 names no limit',
      '  - Continue: `lldflow requirements --issue 17 --continue --max-iterations 3`',
      '  - Approve by hand: `lldflow approve 17`',
    ]);
    expect(lines).toContain('Retry what failed or stopped: `lldflow requirements --issue 15`');
    expect(lines).toContain('Continue every blocked item: `lldflow requirements --retry-blocked --continue`');
  });

  it('writes no summary file without $GITHUB_STEP_SUMMARY, and none before the run ends', async () => {
    const appended: string[] = [];
    const reporter = new GitHubActionsReporter({
      writer: new TerminalWriter(new CaptureStream()),
      stepSummaryFile: undefined,
      append: (path) => Promise.resolve(void appended.push(path)),
    });
    reporter.onEvent({ type: 'run-end', at: 0, summary: SUMMARY });
    await reporter.close();
    const early = new GitHubActionsReporter({
      writer: new TerminalWriter(new CaptureStream()),
      stepSummaryFile: '/summary.md',
      append: (path) => Promise.resolve(void appended.push(path)),
    });
    await early.close();
    expect(appended).toEqual([]);
  });

  it('fences code a backtick inside cannot close', async () => {
    const file = temporaryFile('');
    const { reporter } = setup(file);
    const summary: RunSummary = {
      ...SUMMARY,
      items: [item('9', { status: 'failed', output: null, error: 'first\nuses ``` and `code`' })],
      retryCommand: 'lldflow implement --issue 9 --test-command "echo `date`"',
      retryBlockedCommand: null,
    };
    reporter.onEvent({ type: 'run-end', at: 0, summary });
    await reporter.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toContain('  ````text');
    expect(lines).toContain('Retry what failed or stopped: ``lldflow implement --issue 9 --test-command "echo `date`"``');
  });
});
