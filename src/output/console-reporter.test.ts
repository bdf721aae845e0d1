import { describe, expect, it } from 'vitest';
import type { PlannedItem } from '../runner/events.js';
import type { ItemSummary } from '../core/items.js';
import { ConsoleReporter } from './console-reporter.js';
import { TerminalWriter } from './terminal-writer.js';
import { CaptureStream, hasEscapeCodes, stripEscapeCodes } from './testing/capture-stream.js';
import { VirtualTerminal } from './testing/virtual-terminal.js';

function itemResult(id: string, overrides: Partial<ItemSummary> = {}): ItemSummary {
  return {
    id,
    title: `Title ${id}`,
    status: 'succeeded',
    stage: 'done',
    durationMs: 1200,
    llmCalls: 2,
    costUsd: 0.01,
    output: null,
    error: null,
    ...overrides,
  };
}

function setup(options: { isTTY?: boolean; debug?: boolean; color?: boolean; quiet?: boolean; items?: PlannedItem[] } = {}) {
  const stream = new CaptureStream({ isTTY: options.isTTY ?? false });
  const writer = new TerminalWriter(stream);
  // Colour as the CLI decides it when nothing in the environment says otherwise: on a TTY only.
  const color = options.color ?? options.isTTY ?? false;
  const reporter = new ConsoleReporter({ writer, debug: options.debug ?? false, color, quiet: options.quiet ?? false });
  const items = options.items ?? [
    { id: '7', title: 'Seven', action: { kind: 'start' } },
    { id: '1234', title: 'Long', action: { kind: 'resume', stage: 'review' } },
  ];
  reporter.onEvent({ type: 'run-start', at: 0, runId: '2026-01-01T00-00-00Z', workflow: 'lld', parallel: 2, items });
  return { stream, writer, reporter, lines: () => stream.text.split('\n').slice(0, -1) };
}

/** A small seeded generator so a failing interleaving can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Yields to the event loop a random number of times, mixing microtasks and immediates. */
async function randomPause(random: () => number): Promise<void> {
  const rounds = Math.floor(random() * 4);
  for (let round = 0; round < rounds; round++) {
    if (random() < 0.5) await new Promise<void>((resolve) => queueMicrotask(resolve));
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Cuts text at random places, so chunks hold several lines, a partial line or split a CRLF. */
function randomChunks(text: string, random: () => number): string[] {
  const chunks: string[] = [];
  let index = 0;
  while (index < text.length) {
    const length = 1 + Math.floor(random() * 60);
    chunks.push(text.slice(index, index + length));
    index += length;
  }
  return chunks;
}

const PREFIXED = /^\[([A-Za-z0-9_-]+)\] *(.*)$/;

describe('ConsoleReporter under 10 concurrent writers', () => {
  const ids = ['a', 'b2', 'item-3', '4', 'five5', 'x-6', 'seven77', 'eight', 'n9', 'ten-long-id'];

  async function runProducers(seed: number, isTTY: boolean): Promise<{ stream: CaptureStream; expected: Map<string, string[]> }> {
    const random = seededRandom(seed);
    const { stream, writer, reporter } = setup({ isTTY, items: ids.map((id) => ({ id, title: id, action: { kind: 'start' } })) });
    const expected = new Map<string, string[]>();
    const producers = ids.map(async (id, index) => {
      const lineEnd = index % 3 === 0 ? '\r\n' : '\n';
      const count = 20 + Math.floor(random() * 30);
      const lines = Array.from({ length: count }, (_, number) => `${id}|${number}|${'x'.repeat(Math.floor(random() * 40))}`);
      expected.set(id, lines);
      // Odd items end without a newline: the last line must still come out whole at item-end.
      const text = lines.join(lineEnd) + (index % 2 === 0 ? lineEnd : '');
      await randomPause(random);
      reporter.onEvent({ type: 'item-start', at: 0, id, title: id, action: { kind: 'start' } });
      for (const chunk of randomChunks(text, random)) {
        await randomPause(random);
        reporter.onEvent({ type: 'item-output', at: 1, id, text: chunk, debug: false });
        if (isTTY && random() < 0.2) writer.setStatusArea([`live ${id}`, 'second row']);
      }
      await randomPause(random);
      reporter.onEvent({ type: 'item-end', at: 2, id, result: itemResult(id) });
    });
    await Promise.all(producers);
    await reporter.close();
    writer.close();
    return { stream, expected };
  }

  function checkTranscript(lines: readonly string[], expected: Map<string, string[]>): void {
    const prefixWidth = Math.max(...ids.map((id) => id.length)) + 3;
    const seen = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const line of lines) {
      const match = PREFIXED.exec(line);
      expect(match, `line without a known prefix: ${JSON.stringify(line)}`).not.toBeNull();
      const [, owner = '', content = ''] = match ?? [];
      expect(ids).toContain(owner);
      expect(line.indexOf(content)).toBe(prefixWidth);
      if (content === 'starting' || content.startsWith('succeeded in')) continue;
      expect(content.split('|')[0], `line of another item under [${owner}]: ${line}`).toBe(owner);
      seen.get(owner)?.push(content);
    }
    for (const id of ids) expect(seen.get(id)).toEqual(expected.get(id));
    // The producers must really have interleaved, or the test proves nothing.
    const owners = lines.map((line) => PREFIXED.exec(line)?.[1]);
    const switches = owners.filter((owner, index) => index > 0 && owner !== owners[index - 1]).length;
    expect(switches).toBeGreaterThan(ids.length * 5);
  }

  it.each([1, 2, 3, 42, 2026])('keeps every line whole and with its owner (non-TTY, seed %i)', async (seed) => {
    const { stream, expected } = await runProducers(seed, false);
    expect(hasEscapeCodes(stream.text)).toBe(false);
    for (const chunk of stream.chunks) expect(chunk.endsWith('\n')).toBe(true);
    const [header, ...lines] = stream.text.split('\n').slice(0, -1);
    expect(header).toContain('10 items');
    checkTranscript(lines, expected);
  });

  it.each([7, 99])('keeps every line whole and with its owner on a TTY with a live area (seed %i)', async (seed) => {
    const { stream, expected } = await runProducers(seed, true);
    const terminal = new VirtualTerminal();
    terminal.feed(stream.text);
    expect(terminal.below.every((row) => row === '')).toBe(true);
    const [header, ...lines] = terminal.screen;
    expect(header).toContain('10 items');
    checkTranscript(lines, expected);
  });
});

describe('ConsoleReporter lines', () => {
  it('pads prefixes to the longest planned id and announces start, resume and end (stages only with debug)', () => {
    const { reporter, lines } = setup();
    reporter.onEvent({ type: 'item-start', at: 0, id: '7', title: 'Seven', action: { kind: 'start' } });
    reporter.onEvent({ type: 'item-start', at: 0, id: '1234', title: 'Long', action: { kind: 'resume', stage: 'review' } });
    reporter.onEvent({ type: 'item-stage', at: 0, id: '7', stage: 'draft' });
    reporter.onEvent({ type: 'item-output', at: 0, id: '7', text: 'partial', debug: false });
    reporter.onEvent({
      type: 'item-end',
      at: 0,
      id: '7',
      result: itemResult('7', { durationMs: 12_300, output: 'docs/lld/active/LLD-007.md' }),
    });
    reporter.onEvent({
      type: 'item-end',
      at: 0,
      id: '1234',
      result: itemResult('1234', { status: 'failed', durationMs: 245_000, error: 'timeout: over 30 minutes\nsecond detail' }),
    });
    expect(lines().slice(1)).toEqual([
      '[7]    starting',
      '[1234] resuming at stage review',
      '[7]    partial',
      '[7]    succeeded in 12.3s → docs/lld/active/LLD-007.md',
      '[1234] failed after 4m05s: timeout: over 30 minutes',
      '[1234]   second detail',
    ]);
  });

  it('shows debug output and model calls only with debug on, never merging them into a partial line', () => {
    const quiet = setup();
    const verbose = setup({ debug: true });
    for (const { reporter } of [quiet, verbose]) {
      reporter.onEvent({ type: 'item-output', at: 0, id: '7', text: 'half ', debug: false });
      reporter.onEvent({ type: 'item-output', at: 0, id: '7', text: 'debug detail\n', debug: true });
      reporter.onEvent({
        type: 'model-call',
        at: 0,
        id: '7',
        call: {
          provider: 'openai',
          model: 'gpt-x',
          keyName: 'openai#2',
          role: 'drafter',
          durationMs: 4200,
          inputTokens: 1000,
          outputTokens: 500,
          costUsd: 0.0123,
        },
      });
      reporter.onEvent({ type: 'item-output', at: 0, id: '7', text: 'line\n', debug: false });
    }
    expect(quiet.lines().slice(1)).toEqual(['[7]    half line']);
    const staged = setup({ debug: true });
    staged.reporter.onEvent({ type: 'item-stage', at: 0, id: '7', stage: 'draft' });
    expect(staged.lines().slice(1)).toEqual(['[7]    stage: draft']);
    expect(verbose.lines().slice(1)).toEqual([
      '[7]    debug detail',
      '[7]    model call: drafter openai:gpt-x key openai#2, 1000+500 tokens, $0.0123, 4.2s',
      '[7]    half line',
    ]);
  });

  it('prints warnings and the interruption notice without a prefix', () => {
    const { reporter, lines } = setup();
    reporter.onEvent({ type: 'run-warning', at: 0, message: '--parallel 20 capped at 10' });
    reporter.onEvent({ type: 'run-interrupting', at: 0 });
    expect(lines().slice(1)).toEqual([
      'warning: --parallel 20 capped at 10',
      "interrupted: finishing running items' checkpoints… press Ctrl+C again to exit at once",
    ]);
  });

  it('flushes partial lines at run end', () => {
    const { reporter, lines } = setup();
    reporter.onEvent({ type: 'item-output', at: 0, id: '1234', text: 'cut short', debug: false });
    reporter.onEvent({
      type: 'run-end',
      at: 0,
      summary: {
        runId: 'r',
        workflow: 'lld',
        startedAt: '',
        durationMs: 0,
        parallel: 1,
        counts: { succeeded: 0, failed: 0, blocked: 0, skipped: 0, interrupted: 1, cancelled: 0, invalid: 0 },
        items: [],
        retryCommand: null,
      },
    });
    expect(lines().slice(1)).toEqual(['[1234] cut short']);
  });
});

describe('ConsoleReporter colours', () => {
  function emitSome(reporter: ConsoleReporter): void {
    reporter.onEvent({ type: 'item-start', at: 0, id: '7', title: 'Seven', action: { kind: 'start' } });
    reporter.onEvent({ type: 'item-start', at: 0, id: '1234', title: 'Long', action: { kind: 'start' } });
    reporter.onEvent({ type: 'item-output', at: 0, id: '7', text: 'hello\n', debug: false });
    reporter.onEvent({ type: 'item-output', at: 0, id: '1234', text: 'hello\n', debug: false });
    reporter.onEvent({ type: 'item-end', at: 0, id: '7', result: itemResult('7', { status: 'failed', error: 'boom' }) });
  }

  it('writes no escape codes when the stream is not a TTY and colour is off', () => {
    const { stream, reporter } = setup({ isTTY: false });
    emitSome(reporter);
    expect(hasEscapeCodes(stream.text)).toBe(false);
  });

  it('colours a pipe when the caller forces colour (FORCE_COLOR), without any cursor code', () => {
    const { stream, reporter } = setup({ isTTY: false, color: true });
    emitSome(reporter);
    expect(hasEscapeCodes(stream.text)).toBe(true);
    // Colour codes only: the pipe gets no cursor movement or erasing.
    expect(stream.text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')).toBe(stripEscapeCodes(stream.text));
    expect(stripEscapeCodes(stream.text)).toContain('[7]    failed after 1.2s: boom');
  });

  it('colours each item prefix differently on a TTY', () => {
    const { stream, reporter } = setup({ isTTY: true, color: true });
    emitSome(reporter);
    const outputLines = stream.text.split('\n').filter((line) => stripEscapeCodes(line).endsWith('hello'));
    expect(outputLines).toHaveLength(2);
    const [first = '', second = ''] = outputLines;
    expect(hasEscapeCodes(first)).toBe(true);
    const firstColour = first.slice(0, first.indexOf('[7]'));
    const secondColour = second.slice(0, second.indexOf('[1234]'));
    expect(hasEscapeCodes(firstColour)).toBe(true);
    expect(firstColour).not.toBe(secondColour);
    expect(stripEscapeCodes(stream.text)).toContain('[7]    failed after 1.2s: boom');
  });

  it('stays plain on a TTY when colour is turned off', () => {
    const { stream, reporter } = setup({ isTTY: true, color: false });
    emitSome(reporter);
    expect(hasEscapeCodes(stream.text)).toBe(false);
  });
});

describe('ConsoleReporter --quiet', () => {
  it('prints only warnings, errors and the ends of items that did not succeed', () => {
    const { reporter, lines } = setup({ quiet: true });
    reporter.onEvent({ type: 'item-start', at: 0, id: '7', title: 'Seven', action: { kind: 'start' } });
    reporter.onEvent({ type: 'item-stage', at: 0, id: '7', stage: 'draft' });
    reporter.onEvent({ type: 'item-output', at: 0, id: '7', text: 'drafting with openai:gpt-4.1\n', debug: false });
    reporter.onEvent({ type: 'item-start', at: 0, id: '1234', title: 'Long', action: { kind: 'resume', stage: 'review' } });
    reporter.onEvent({ type: 'item-end', at: 0, id: '1234', result: itemResult('1234') });
    reporter.onEvent({ type: 'run-warning', at: 0, message: 'openai#2 rejected (401 invalid_api_key): not used again this run' });
    reporter.onEvent({ type: 'item-end', at: 0, id: '7', result: itemResult('7', { status: 'failed', error: 'boom' }) });
    reporter.onEvent({ type: 'run-stopping', at: 0, id: '7', reason: 'unknown model' });
    expect(lines()).toEqual([
      'warning: openai#2 rejected (401 invalid_api_key): not used again this run',
      '[7]    failed after 1.2s: boom',
      'stopping: unknown model — no further item starts',
    ]);
  });

  it('still prints blocked items, aligned on the longest planned id', () => {
    const { reporter, lines } = setup({ quiet: true });
    reporter.onEvent({ type: 'item-end', at: 0, id: '7', result: itemResult('7', { status: 'blocked', error: 'a human decides' }) });
    expect(lines()).toEqual(['[7]    blocked after 1.2s: a human decides']);
  });
});

describe('ConsoleReporter on a narrow TTY', () => {
  it('folds long item lines under the prefix instead of letting the terminal wrap them', () => {
    const stream = new CaptureStream({ isTTY: true, columns: 30 });
    const reporter = new ConsoleReporter({ writer: new TerminalWriter(stream), debug: false, color: false });
    reporter.onEvent({ type: 'run-start', at: 0, runId: 'r', workflow: 'lld', parallel: 1, items: [] });
    reporter.onEvent({ type: 'item-output', at: 0, id: '7', text: 'one two three four five six seven eight\n', debug: false });
    expect(stream.text.split('\n').slice(-3, -1)).toEqual(['[7] one two three four five', '    six seven eight']);
  });

  it('keeps lines whole in a pipe, whatever their length', () => {
    const { stream, reporter } = setup({ isTTY: false });
    const text = 'word '.repeat(60).trim();
    reporter.onEvent({ type: 'item-output', at: 0, id: '7', text: `${text}\n`, debug: false });
    expect(stream.text.split('\n')).toContain(`[7]    ${text}`);
  });
});
