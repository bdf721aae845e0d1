import { describe, expect, it } from 'vitest';
import type { ItemSummary, RunSummary } from '../core/items.js';
import type { RunEvent } from '../runner/events.js';
import { escapeHtml } from './html.js';
import { renderRunReport } from './run-report.js';

const T = 2_000_000;
const HOSTILE = `</script><script>alert("x")</script><b onclick='go()'>&amp;`;

function item(id: string, overrides: Partial<ItemSummary> = {}): ItemSummary {
  return {
    id,
    title: `Feature ${id}`,
    status: 'succeeded',
    stage: 'done',
    durationMs: 1200,
    llmCalls: 2,
    costUsd: 0.0125,
    output: null,
    error: null,
    ...overrides,
  };
}

const summary: RunSummary = {
  runId: '2026-01-01T00-00-00Z',
  workflow: 'implement',
  startedAt: new Date(T).toISOString(),
  durationMs: 4_000,
  parallel: 2,
  counts: { succeeded: 1, failed: 1, blocked: 0, skipped: 0, interrupted: 0, cancelled: 0, invalid: 0 },
  items: [item('1', { title: HOSTILE }), item('2', { status: 'failed', error: `tests failed: ${HOSTILE}`, costUsd: 1.5 })],
  retryCommand: `lldflow implement --issue 2 --test-command '${HOSTILE}'`,
};

const events: RunEvent[] = [
  { type: 'run-start', at: T, runId: summary.runId, workflow: 'implement', parallel: 2, items: [] },
  { type: 'item-start', at: T, id: '1', title: HOSTILE, action: { kind: 'start' } },
  { type: 'item-stage', at: T, id: '1', stage: HOSTILE },
  { type: 'key-event', at: T + 5, key: 'anthropic#1', kind: 'lease-start', id: '1', lease: 1 },
  { type: 'key-event', at: T + 900, key: 'anthropic#1', kind: 'lease-end', id: '1', lease: 1 },
  {
    type: 'model-call',
    at: T + 900,
    id: '1',
    call: { provider: 'anthropic', model: HOSTILE, role: 'implementer', durationMs: 895, inputTokens: 1, outputTokens: 1, costUsd: 0.0125 },
  },
  { type: 'item-end', at: T + 1_200, id: '1', result: summary.items[0]! },
  { type: 'item-start', at: T + 10, id: '2', title: 'Feature 2', action: { kind: 'start' } },
  { type: 'item-end', at: T + 3_000, id: '2', result: summary.items[1]! },
  { type: 'run-end', at: T + 4_000, summary },
];

describe('renderRunReport', () => {
  it('is one page with nothing to load: no address, no external resource, a policy that forbids them', () => {
    const html = renderRunReport({ summary, events });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/[a-z][a-z0-9+.-]*:\/\//i);
    expect(html).not.toMatch(/<[a-z]+\b[^>]*\s(?:src|href)=|@import|url\(/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"`);
  });

  it('escapes every text of the run: titles, stages, models, errors and the retry command', () => {
    const html = renderRunReport({ summary, events });
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<b onclick');
    // Exactly one script element: the report's own.
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    const escaped = escapeHtml(HOSTILE);
    expect(escaped).toBe('&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b onclick=&#39;go()&#39;&gt;&amp;amp;');
    expect(html).toContain(`<td>${escaped}</td>`);
    expect(html).toContain(`tests failed: ${escaped}`);
    expect(html).toContain(`--test-command &#39;${escaped}&#39;`);
  });

  it('draws a lane for every item and every key, and the summary table with the costs and their total', () => {
    const html = renderRunReport({ summary, events });
    expect([...html.matchAll(/data-lane="item" data-id="([^"]+)"/g)].map((match) => match[1])).toEqual(['1', '2']);
    expect([...html.matchAll(/data-lane="key" data-key="([^"]+)"/g)].map((match) => match[1])).toEqual(['anthropic#1']);
    expect(html).toMatch(/<tr data-id="1">.*<td class="number">\$0\.0125<\/td>/);
    expect(html).toMatch(/<tr data-id="2">.*<td class="status-failed">failed<\/td>.*<td class="number">\$1\.50<\/td>/);
    expect(html).toMatch(
      /<tfoot><tr><td colspan="4">total<\/td><td class="number">4\.0s<\/td><td class="number">4<\/td><td class="number">\$1\.51<\/td>/,
    );
    expect(html).toContain('<span class="status-succeeded">1 succeeded</span><span class="status-failed">1 failed</span>');
  });

  it('lists each blocked item with its questions, what blocks it and the commands that act on it, escaped', () => {
    const blocked: RunSummary = {
      ...summary,
      items: [
        item('3', {
          status: 'blocked',
          blocked: {
            questions: [`Which <b>store</b>?`],
            blockingItems: ['§2 the table is empty'],
            failingTests: 'FAIL test/a.test.js',
            worktree: '/repo/.lldflow/worktrees/3',
            continueCommand: 'lldflow requirements --issue 3 --continue',
            approveCommand: 'lldflow approve 3',
          },
        }),
      ],
      retryBlockedCommand: 'lldflow requirements --retry-blocked --continue',
    };
    const html = renderRunReport({ summary: blocked, events });
    expect(html).toContain('<h2>Blocked: a human decides</h2>');
    expect(html).toContain('<li>Which &lt;b&gt;store&lt;/b&gt;?</li>');
    expect(html).toContain('<li>§2 the table is empty</li>');
    for (const text of [
      'FAIL test/a.test.js',
      '/repo/.lldflow/worktrees/3',
      'lldflow requirements --issue 3 --continue',
      'lldflow approve 3',
    ]) {
      expect(html).toContain(`<pre>${text}</pre>`);
    }
    expect(html).toContain('<pre>lldflow requirements --retry-blocked --continue</pre>');
    expect(renderRunReport({ summary, events })).not.toContain('Blocked: a human decides');
  });

  it('says there is no timeline when the run recorded no events, and still has the summary', () => {
    const html = renderRunReport({ summary, events: undefined });
    expect(html).toContain('This run recorded no events');
    expect(html).not.toContain('<svg');
    expect(html).toContain('<table class="summary">');
    expect(renderRunReport({ summary, events, skippedLines: 2 })).toContain(
      '2 lines of the events file could not be read and were left out.',
    );
  });
});
