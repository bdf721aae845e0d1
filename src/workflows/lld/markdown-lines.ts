/**
 * A markdown document as lines that know whether they are prose or literal text. Headings and tables
 * inside fenced code blocks or HTML comments are examples, not structure, so every structural parser
 * in this folder reads documents through this scanner.
 */
export interface MarkdownLine {
  /** The line without its terminator. */
  text: string;
  /** Offset of the line's first character in the document. */
  start: number;
  /** Offset just past the line's terminator (or the document's end). */
  end: number;
  /** Inside a fenced code block, fence lines included. */
  inCode: boolean;
  /** Inside an HTML comment (`<!-- … -->`), delimiter lines included. */
  inComment: boolean;
}

// Model output indents fences inside list items freely, so any indentation opens or closes one.
const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;

export function scanLines(markdown: string): readonly MarkdownLine[] {
  const lines: MarkdownLine[] = [];
  let fence: { marker: string; length: number } | undefined;
  let inComment = false;
  let offset = 0;
  while (offset < markdown.length) {
    const newline = markdown.indexOf('\n', offset);
    const end = newline === -1 ? markdown.length : newline + 1;
    const raw = markdown.slice(offset, newline === -1 ? markdown.length : newline);
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const line: MarkdownLine = { text, start: offset, end, inCode: false, inComment: false };

    if (fence) {
      line.inCode = true;
      const match = FENCE.exec(text);
      if (match?.[1] && match[1][0] === fence.marker && match[1].length >= fence.length && match[2]?.trim() === '') {
        fence = undefined;
      }
    } else if (inComment) {
      line.inComment = true;
      if (text.includes('-->')) inComment = false;
    } else {
      const match = FENCE.exec(text);
      const run = match?.[1];
      // A backtick fence's info string cannot hold backticks (CommonMark); that keeps inline code
      // such as ```x``` at a line start from opening a block.
      if (run && !(run[0] === '`' && match[2]?.includes('`'))) {
        line.inCode = true;
        fence = { marker: run[0] ?? '`', length: run.length };
      } else if (/^\s{0,3}<!--/.test(text)) {
        line.inComment = true;
        const close = text.indexOf('-->', text.indexOf('<!--') + 4);
        inComment = close === -1;
      }
    }
    lines.push(line);
    offset = end;
  }
  return lines;
}

/** Prose lines: the ones that can carry headings and tables. */
export function isStructural(line: MarkdownLine): boolean {
  return !line.inCode && !line.inComment;
}

export interface AtxHeading {
  level: number;
  /** The heading text, without the `#` markers and without closing `#`s. */
  text: string;
}

/**
 * An ATX heading. `strict` follows CommonMark (a space after the `#`s); lenient also accepts `##1.`,
 * which models write and renderers show as text, because a missing space must not hide a section.
 */
export function atxHeading(text: string, strict = true): AtxHeading | undefined {
  const match = /^ {0,3}(#{1,6})(\s+|$|(?=\S))(.*)$/.exec(text);
  if (!match?.[1]) return undefined;
  if (strict && match[2] === '' && match[3] !== '') return undefined;
  const content = (match[3] ?? '')
    .replace(/\s+#+\s*$/, '')
    .replace(/^#+\s*$/, '')
    .trim();
  return { level: match[1].length, text: content };
}

/** The lines without the blank lines at either end. */
export function trimBlankEdges(lines: string[]): string[] {
  let first = 0;
  let last = lines.length;
  while (first < last && lines[first]?.trim() === '') first += 1;
  while (last > first && lines[last - 1]?.trim() === '') last -= 1;
  return lines.slice(first, last);
}
