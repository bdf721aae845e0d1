import { describe, expect, it } from 'vitest';
import { LLD_SECTIONS, documentTitle, findSection, findSections, findSubsection, missingSections } from './sections.js';
import { sampleLld } from './testing/sample-lld.js';

const ALL = LLD_SECTIONS.map((section) => section.number);

describe('findSections', () => {
  it('finds the twelve sections of a well-formed document with their titles in order', () => {
    const sections = findSections(sampleLld());
    expect(sections.map((section) => section.number)).toEqual(ALL);
    expect(sections.map((section) => section.title)).toEqual(LLD_SECTIONS.map((section) => section.title));
  });

  it.each([
    ['## 1 Context', 'Context'],
    ['##1. Context & Goal', 'Context & Goal'],
    ['## **1. Context & Goal**', 'Context & Goal'],
    ['## 1) Context', 'Context'],
    ['## 1: Context', 'Context'],
    ['## 1 - Context', 'Context'],
    ['## Section 1. Context', 'Context'],
    ['## [UNCHANGED] [UNCHANGED] 1. Context & Goal', 'Context & Goal'],
    ['## 1. Context & Goal (updated after review)', 'Context & Goal (updated after review)'],
    ['# 1. Context & Goal', 'Context & Goal'],
    ['## 1. Context ##', 'Context'],
  ])('reads the heading variant %j as section 1', (heading, title) => {
    const markdown = sampleLld({ headings: { 1: heading } });
    const first = findSections(markdown)[0];
    expect(first?.number).toBe(1);
    expect(first?.title).toBe(title);
    expect(missingSections(markdown)).toEqual([]);
  });

  it('does not read sub-sections, other levels or the title as sections', () => {
    const markdown = [
      '# 7 - Feature: numbered like a section',
      '## 2.1 Files Changed',
      '### 3. Deeper heading',
      '## 11Context',
      '## 1100 - Feature',
    ].join('\n');
    expect(findSections(markdown)).toEqual([]);
  });

  it('ignores headings inside fenced code blocks and HTML comments', () => {
    const markdown = [
      '# 1 - Title',
      '## 1. Context',
      'text',
      '```markdown',
      '## 2. Fake inside a fence',
      '```',
      '~~~~',
      '## 3. Fake inside a tilde fence',
      '```',
      '## 4. still inside: a shorter backtick run does not close a tilde fence',
      '~~~~',
      '<!--',
      '## 5. Fake inside a comment',
      '-->',
      '## 6. Diagram',
    ].join('\n');
    expect(findSections(markdown).map((section) => section.number)).toEqual([1, 6]);
    expect(findSection(markdown, 1)?.body).toContain('## 2. Fake inside a fence');
  });

  it('ends a section at the next heading of its level, numbered or not', () => {
    const markdown = ['# 9 - T', '## 1. A', 'one', '### 1.1 Sub', 'sub', '## Appendix', 'tail', '## 2. B', 'two'].join('\n');
    const [first, second] = findSections(markdown);
    expect(first?.body).toBe('one\n### 1.1 Sub\nsub\n');
    expect(markdown.slice(first?.start, first?.end)).toBe('## 1. A\none\n### 1.1 Sub\nsub\n');
    expect(second?.body).toBe('two');
  });

  it('keeps offsets right with CRLF line endings', () => {
    const markdown = '# 9 - T\r\n## 1. A\r\nbody\r\n## 2. B\r\n';
    const [first] = findSections(markdown);
    expect(first?.title).toBe('A');
    expect(first?.body).toBe('body\r\n');
  });

  it('falls back to whole-line bold headings only when there are no heading sections', () => {
    const boldOnly = ['# 9 - T', '**1. Context**', 'a', '**2. Changes**', 'b'].join('\n');
    expect(findSections(boldOnly).map((section) => section.number)).toEqual([1, 2]);
    const mixed = ['# 9 - T', '## 1. Context', '**2. a bold step**', '## 2. Changes'].join('\n');
    const sections = findSections(mixed);
    expect(sections.map((section) => section.number)).toEqual([1, 2]);
    expect(sections[0]?.body).toContain('**2. a bold step**');
  });
});

describe('missingSections', () => {
  it('lists the sections that are absent', () => {
    expect(missingSections(sampleLld({ omit: [4, 12] }))).toEqual([4, 12]);
  });

  it('accepts a custom required list', () => {
    expect(missingSections(sampleLld({ omit: [4] }), [1, 2, 3])).toEqual([]);
  });
});

describe('documentTitle', () => {
  it('is the first level-1 heading outside code', () => {
    expect(documentTitle('```\n# not this\n```\n\n# 42 - Feature: Real\n## 1. A\n# Later')).toBe('42 - Feature: Real');
  });

  it('is undefined without one', () => {
    expect(documentTitle('## 1. A\n#hashtag')).toBeUndefined();
  });
});

describe('findSubsection', () => {
  it('finds a sub-section by number, tolerating markers, and ends it at the next one', () => {
    const markdown = sampleLld({ headings: {} }).replace('### 2.1 Files Changed', '### [UNCHANGED] 2.1 Files Changed');
    const section = findSection(markdown, 2);
    if (!section) throw new Error('section 2 missing');
    const subsection = findSubsection(markdown, section, '2.1');
    expect(subsection?.title).toBe('Files Changed');
    expect(subsection?.body).toContain('| File | Change Type | Description |');
    expect(subsection?.body).not.toContain('2.2 Dependencies');
  });

  it('falls back to a title pattern', () => {
    const markdown = '## 2. Changes\n### Files changed\n| a |\n### Other\n';
    const section = findSection(markdown, 2);
    if (!section) throw new Error('section 2 missing');
    expect(findSubsection(markdown, section, '2.1', /files changed/i)?.body).toBe('| a |\n');
    expect(findSubsection(markdown, section, '2.1')).toBeUndefined();
  });
});
