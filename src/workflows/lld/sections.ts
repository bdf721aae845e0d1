import { atxHeading, isStructural, scanLines } from './markdown-lines.js';
import type { MarkdownLine } from './markdown-lines.js';

/** The numbered top-level sections of the LLD template, in order. */
export const LLD_SECTIONS: ReadonlyArray<{ number: number; title: string }> = [
  { number: 1, title: 'Context & Goal' },
  { number: 2, title: 'Proposed Changes' },
  { number: 3, title: 'Requirements' },
  { number: 4, title: 'Alternatives Considered' },
  { number: 5, title: 'Data & Fixtures' },
  { number: 6, title: 'Diagram' },
  { number: 7, title: 'Security & Safety Considerations' },
  { number: 8, title: 'Performance & Cost Considerations' },
  { number: 9, title: 'Legal & Compliance' },
  { number: 10, title: 'Verification & Testing' },
  { number: 11, title: 'Risks & Mitigations' },
  { number: 12, title: 'Definition of Done' },
];

/** A heading and the text under it, up to the next heading of the same or a higher level. */
interface HeadingBlock {
  /** The heading's text after the number, without emphasis markers. */
  title: string;
  /** Heading level (a bold-line section heading counts as 2). */
  level: number;
  /** Offset of the heading line. */
  start: number;
  /** Offset just past the heading line. */
  bodyStart: number;
  /** Offset where the next heading of the same or a higher level starts (or the document ends). */
  end: number;
  body: string;
}

export interface Section extends HeadingBlock {
  number: number;
}

export interface Subsection extends HeadingBlock {
  /** `2.1`, or undefined for an unnumbered heading. */
  number: string | undefined;
}

/**
 * The numbered top-level sections (`## 1. Context & Goal`), in document order. Accepts the variants
 * models write: `## 1 Context`, `##1.`, `## **1. Context**`, `## [UNCHANGED] 5. Data`, `# 1. Context`
 * (but not the title line), trailing text. Sub-sections (`2.1`) and headings in code are not sections.
 * Only when a document has no such heading at all are whole-line bold numbers (`**1. Context**`) read
 * as headings, so a bold numbered step inside a section never splits it.
 */
export function findSections(markdown: string): Section[] {
  const lines = scanLines(markdown);
  const titleIndex = lines.findIndex((line) => isStructural(line) && atxHeading(line.text)?.level === 1);
  const boundaries: Array<{ index: number; level: number; number?: number; title?: string; bold?: boolean }> = [];
  for (const [index, line] of lines.entries()) {
    if (!isStructural(line)) continue;
    const heading = atxHeading(line.text, false);
    if (!heading) continue;
    const numbered = index === titleIndex ? undefined : numberedTitle(heading.text, heading.level === 1);
    boundaries.push({ index, level: heading.level, ...numbered });
  }
  let headings = boundaries.filter((boundary) => boundary.number !== undefined && boundary.level <= 2);
  if (headings.length === 0) {
    for (const [index, line] of lines.entries()) {
      if (!isStructural(line)) continue;
      const bold = /^\s*(\*\*|__)(.+)\1\s*$/.exec(line.text);
      const numbered = bold?.[2] ? numberedTitle(bold[2], false) : undefined;
      if (numbered) boundaries.push({ index, level: 2, bold: true, ...numbered });
    }
    boundaries.sort((left, right) => left.index - right.index);
    headings = boundaries.filter((boundary) => boundary.bold === true);
  }
  return headings.map((heading) => {
    const next = boundaries.find((boundary) => boundary.index > heading.index && boundary.level <= heading.level);
    const block = blockAt(markdown, lines, heading.index, next?.index, { start: 0, end: markdown.length });
    return { number: heading.number ?? 0, title: heading.title ?? '', level: heading.level, ...block };
  });
}

/** The first section with this number. */
export function findSection(markdown: string, number: number): Section | undefined {
  return findSections(markdown).find((section) => section.number === number);
}

/** Required section numbers with no heading in the document. */
export function missingSections(markdown: string, required: readonly number[] = LLD_SECTIONS.map((section) => section.number)): number[] {
  const present = new Set(findSections(markdown).map((section) => section.number));
  return required.filter((number) => !present.has(number));
}

/** The text of the first `# ` heading outside code, or undefined. */
export function documentTitle(markdown: string): string | undefined {
  for (const line of scanLines(markdown)) {
    if (!isStructural(line)) continue;
    const heading = atxHeading(line.text);
    if (heading?.level === 1) return heading.text;
  }
  return undefined;
}

/**
 * The first heading inside `section` numbered `number` (`2.1`) or, failing that, whose title matches
 * `titlePattern`. It ends at the next heading of the same or a higher level.
 */
export function findSubsection(markdown: string, section: Section, number: string, titlePattern?: RegExp): Subsection | undefined {
  const lines = scanLines(markdown).filter((line) => line.start >= section.bodyStart && line.start < section.end);
  const headings: Array<{ index: number; level: number; number: string | undefined; title: string }> = [];
  for (const [index, line] of lines.entries()) {
    if (!isStructural(line)) continue;
    const heading = atxHeading(line.text, false);
    if (!heading) continue;
    const text = stripDecorations(heading.text);
    const match = /^(\d+(?:\.\d+)+)\.?\s*(.*)$/.exec(text);
    headings.push({ index, level: heading.level, number: match?.[1], title: match ? (match[2] ?? '') : text });
  }
  const wanted =
    headings.find((heading) => heading.number === number) ??
    (titlePattern ? headings.find((heading) => titlePattern.test(heading.title)) : undefined);
  if (!wanted) return undefined;
  const next = headings.find((heading) => heading.index > wanted.index && heading.level <= wanted.level);
  const block = blockAt(markdown, lines, wanted.index, next?.index, { start: section.bodyStart, end: section.end });
  return { number: wanted.number, title: wanted.title, level: wanted.level, ...block };
}

/**
 * Where the heading at `index` and its body lie: up to the heading at `nextIndex`, or to `bounds.end`
 * (the document's or the enclosing section's end) when none follows.
 */
function blockAt(
  markdown: string,
  lines: readonly MarkdownLine[],
  index: number,
  nextIndex: number | undefined,
  bounds: { start: number; end: number },
): Pick<HeadingBlock, 'start' | 'bodyStart' | 'end' | 'body'> {
  const line = lines[index];
  const bodyStart = line?.end ?? bounds.start;
  const end = nextIndex === undefined ? bounds.end : (lines[nextIndex]?.start ?? bounds.end);
  return { start: line?.start ?? bounds.start, bodyStart, end, body: markdown.slice(bodyStart, end) };
}

/** `[UNCHANGED] **Section 1. Context**` → `1. Context`. */
function stripDecorations(text: string): string {
  return text
    .trim()
    .replace(/^(\[[^\]]*\]\s*)+/, '')
    .replace(/^[*_]+\s*/, '')
    .replace(/\s*[*_]+$/, '')
    .trim();
}

/**
 * `1. Context & Goal` → { 1, 'Context & Goal' }. A level-1 heading needs `1.` / `1)` / `1:` so a title
 * such as `# 7 - Feature: …` is never read as section 7; `2.1` is a sub-section, not section 2.
 */
export function numberedTitle(text: string, needsPunctuation: boolean): { number: number; title: string } | undefined {
  const plain = stripDecorations(text).replace(/^(?:section|§)\s*/i, '');
  const pattern = needsPunctuation ? /^(\d{1,2})[.):](?!\d)\s*(.*)$/ : /^(\d{1,2})(?:[.):](?!\d)|(?=\s)|$)\s*(?:[-–—:]\s+)?(.*)$/;
  const match = pattern.exec(plain);
  if (!match?.[1]) return undefined;
  const number = Number(match[1]);
  if (number < 1) return undefined;
  return { number, title: stripDecorations(match[2] ?? '') };
}
