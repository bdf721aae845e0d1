import type { AutofixChange, AutofixResult } from '../review-loop/autofix.js';
import { atxHeading, isStructural, scanLines } from './markdown-lines.js';
import { LLD_SECTIONS, findSections, numberedTitle } from './sections.js';

/**
 * Numbered section headings in the template's form, `## N. Title`: `##1.` and `###2.1` get their
 * space, `## 1 Context`, `# 1. Context`, `## **1. Context**` and `## [UNCHANGED] 5. Data` are
 * rewritten, and a whole-line bold `**5. Data & Fixtures**` standing where section 5 belongs (the
 * section has no heading, and the bold title shares a word with the template's) becomes its heading.
 */
export function fixHeadingForms(markdown: string): AutofixResult {
  const edits: LineEdit[] = [];
  const replaceLine = (start: number, end: number, text: string): void => void edits.push(lineEdit(markdown, start, end, text));

  const lines = scanLines(markdown);
  const sectionStarts = new Set<number>();
  for (const section of findSections(markdown)) {
    sectionStarts.add(section.start);
    const line = lines.find((candidate) => candidate.start === section.start);
    if (!line) continue;
    // A heading already in the form is left as it is: rebuilding it from the parsed title could only lose text.
    if (CANONICAL.test(line.text)) continue;
    replaceLine(line.start, line.start + line.text.length, canonicalHeading(section.number, section.title));
  }
  // The title too, when it opens the document (`#1106 - …`); elsewhere a `#1` line stays prose.
  const opening = lines.find((line) => isStructural(line) && line.text.trim() !== '');
  for (const line of lines) {
    if (!isStructural(line) || sectionStarts.has(line.start)) continue;
    const squeezed = (line === opening ? /^( {0,3})(#)(\d)/ : /^( {0,3})(#{2,6})(\d)/).exec(line.text);
    if (squeezed)
      replaceLine(
        line.start,
        line.start + line.text.length,
        `${squeezed[2]} ${line.text.slice((squeezed[1] ?? '').length + (squeezed[2] ?? '').length)}`,
      );
  }
  edits.push(...promotedBoldLines(markdown));
  if (edits.length === 0) return { document: markdown, fixes: [] };
  let document = markdown;
  for (const edit of [...edits].sort((left, right) => right.start - left.start)) {
    document = document.slice(0, edit.start) + edit.text + document.slice(edit.end);
  }
  return { document, fixes: [...edits].sort((left, right) => left.start - right.start).map((edit) => edit.fix) };
}

interface LineEdit {
  start: number;
  end: number;
  text: string;
  fix: AutofixChange;
}

function lineEdit(markdown: string, start: number, end: number, text: string): LineEdit {
  return { start, end, text, fix: { kind: 'heading', detail: `\`${markdown.slice(start, end).trim()}\` → \`${text}\`` } };
}

const CANONICAL = /^## \d{1,2}\.(?: (?![*_[])\S.*)?$/;

function canonicalHeading(number: number, title: string): string {
  return `## ${number}.${title === '' ? '' : ` ${title}`}`;
}

/** Bold lines that stand for a missing section's heading, between its neighbours' headings. */
function promotedBoldLines(markdown: string): LineEdit[] {
  const sections = findSections(markdown);
  const present = new Set(sections.map((section) => section.number));
  const edits: LineEdit[] = [];
  for (const line of scanLines(markdown)) {
    if (!isStructural(line) || atxHeading(line.text, false)) continue;
    const bold = /^\s*(\*\*|__)(.+)\1\s*$/.exec(line.text);
    const numbered = bold?.[2] ? numberedTitle(bold[2], false) : undefined;
    if (!numbered || present.has(numbered.number)) continue;
    const template = LLD_SECTIONS.find((section) => section.number === numbered.number);
    if (!template || !sharesWord(template.title, numbered.title)) continue;
    const before = sections.filter((section) => section.number < numbered.number).at(-1);
    const after = sections.find((section) => section.number > numbered.number);
    if ((before && before.start > line.start) || (after && after.start < line.start)) continue;
    present.add(numbered.number);
    edits.push(lineEdit(markdown, line.start, line.start + line.text.length, canonicalHeading(numbered.number, numbered.title)));
  }
  return edits;
}

function sharesWord(left: string, right: string): boolean {
  const words = (text: string): string[] => text.toLowerCase().match(/[a-z]{4,}/g) ?? [];
  const leftWords = new Set(words(left));
  return words(right).some((word) => leftWords.has(word));
}
