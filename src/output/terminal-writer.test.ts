import { describe, expect, it } from 'vitest';
import { TerminalWriter, truncateToWidth } from './terminal-writer.js';
import { CaptureStream, hasEscapeCodes, stripEscapeCodes } from './testing/capture-stream.js';
import { VirtualTerminal } from './testing/virtual-terminal.js';

function screenOf(stream: CaptureStream): VirtualTerminal {
  const terminal = new VirtualTerminal();
  terminal.feed(stream.text);
  return terminal;
}

describe('TerminalWriter without a TTY', () => {
  it('writes each batch of whole lines in one write and never a cursor code', () => {
    const stream = new CaptureStream({ isTTY: false });
    const writer = new TerminalWriter(stream);
    writer.setStatusArea(['running 2']);
    writer.writeLines(['[a] one', '[a] two']);
    writer.setStatusArea(['running 1', '[b] draft']);
    writer.writeLines(['[b] three']);
    writer.close();
    expect(stream.chunks).toEqual(['[a] one\n[a] two\n', '[b] three\n']);
    expect(hasEscapeCodes(stream.text)).toBe(false);
  });

  it('writes nothing for an empty batch', () => {
    const stream = new CaptureStream();
    new TerminalWriter(stream).writeLines([]);
    expect(stream.chunks).toEqual([]);
  });
});

describe('TerminalWriter on a TTY', () => {
  it('keeps the status area below the printed lines and redraws it after each batch, in one write', () => {
    const stream = new CaptureStream({ isTTY: true });
    const writer = new TerminalWriter(stream);
    writer.writeLines(['before']);
    writer.setStatusArea(['area 1', 'area 2']);
    expect(screenOf(stream).screen).toEqual(['before', 'area 1', 'area 2']);

    const writesBefore = stream.chunks.length;
    writer.writeLines(['[a] one', '[b] two']);
    expect(stream.chunks.length).toBe(writesBefore + 1);
    const terminal = screenOf(stream);
    expect(terminal.screen).toEqual(['before', '[a] one', '[b] two', 'area 1', 'area 2']);
    expect(terminal.cursorHidden).toBe(true);
  });

  it('redraws a smaller or larger area without leaving old rows behind', () => {
    const stream = new CaptureStream({ isTTY: true });
    const writer = new TerminalWriter(stream);
    writer.setStatusArea(['a', 'b', 'c']);
    writer.setStatusArea(['x']);
    expect(screenOf(stream).screen).toEqual(['x']);
    expect(screenOf(stream).below.every((row) => row === '')).toBe(true);
    writer.setStatusArea(['x', 'y', 'z', 'w']);
    expect(screenOf(stream).screen).toEqual(['x', 'y', 'z', 'w']);
  });

  it('skips a redraw when the area did not change', () => {
    const stream = new CaptureStream({ isTTY: true });
    const writer = new TerminalWriter(stream);
    writer.setStatusArea(['same']);
    const writes = stream.chunks.length;
    writer.setStatusArea(['same']);
    expect(stream.chunks.length).toBe(writes);
  });

  it('close removes the area, shows the cursor again and leaves the printed lines', () => {
    const stream = new CaptureStream({ isTTY: true });
    const writer = new TerminalWriter(stream);
    writer.setStatusArea(['live']);
    writer.writeLines(['kept']);
    writer.close();
    const terminal = screenOf(stream);
    expect(terminal.screen).toEqual(['kept']);
    expect(terminal.below.every((row) => row === '')).toBe(true);
    expect(terminal.cursorHidden).toBe(false);
    writer.setStatusArea(['ignored after close']);
    writer.writeLines(['after close']);
    expect(screenOf(stream).screen).toEqual(['kept', 'after close']);
  });

  it('close without an area writes nothing', () => {
    const stream = new CaptureStream({ isTTY: true });
    new TerminalWriter(stream).close();
    expect(stream.chunks).toEqual([]);
  });

  it('cuts status rows to the terminal width so they never wrap', () => {
    const stream = new CaptureStream({ isTTY: true, columns: 10 });
    const writer = new TerminalWriter(stream);
    writer.setStatusArea(['0123456789abcdef', 'multi\nline']);
    const rows = screenOf(stream).screen;
    expect(rows).toEqual(['01234567…', 'multi li…']);
    expect(rows.every((row) => row.length <= 9)).toBe(true);
  });
});

describe('truncateToWidth', () => {
  it('leaves lines that fit alone', () => {
    expect(truncateToWidth('abc', 3)).toBe('abc');
  });

  it('counts only visible characters and resets colour after a cut', () => {
    const red = `\u001B[31mabcdef\u001B[39m`;
    expect(truncateToWidth(red, 6)).toBe(red);
    const cut = truncateToWidth(red, 4);
    expect(stripEscapeCodes(cut)).toBe('abc…');
    expect(cut.endsWith('\u001B[0m')).toBe(true);
  });
});
