import { describe, expect, it } from 'vitest';
import { fixHeadingForms } from './heading-forms.js';
import { findSections } from './sections.js';
import { sampleLld } from './testing/sample-lld.js';

const lines = (...parts: string[]): string => `${parts.join('\n')}\n`;

describe('fixHeadingForms', () => {
  it('leaves the sample design, already in the template form, alone', () => {
    const markdown = sampleLld();
    expect(fixHeadingForms(markdown)).toEqual({ document: markdown, fixes: [] });
  });

  it.each([
    ['## 1 Context & Goal', '## 1. Context & Goal'],
    ['# 1. Context & Goal', '## 1. Context & Goal'],
    ['## **1. Context & Goal**', '## 1. Context & Goal'],
    ['## [UNCHANGED] 1. Context & Goal', '## 1. Context & Goal'],
    ['##1. Context & Goal', '## 1. Context & Goal'],
    ['## 1) Context & Goal', '## 1. Context & Goal'],
    ['## 1 - Context & Goal', '## 1. Context & Goal'],
    ['## Section 1: Context & Goal', '## 1. Context & Goal'],
  ])('rewrites %j as %j', (heading, wanted) => {
    const result = fixHeadingForms(lines('# 7 - Feature: Timers', '', heading, '', 'Text.', '', '## 2. Proposed Changes', '', 'More.'));
    expect(result.document).toBe(lines('# 7 - Feature: Timers', '', wanted, '', 'Text.', '', '## 2. Proposed Changes', '', 'More.'));
    expect(result.fixes).toEqual([{ kind: 'heading', detail: `\`${heading}\` → \`${wanted}\`` }]);
  });

  it('rewrites every section heading of a design in one pass, keeping the title', () => {
    const markdown = sampleLld({
      title: '# 1042 - Feature: Timers',
      headings: {
        1: '## 1 Context & Goal',
        3: '# 3. Requirements',
        4: '## **4. Alternatives Considered**',
        5: '## [UNCHANGED] 5. Data & Fixtures',
      },
    });
    const result = fixHeadingForms(markdown);
    expect(result.document).toBe(sampleLld({ title: '# 1042 - Feature: Timers' }));
    expect(result.fixes.map((fix) => fix.detail)).toEqual([
      '`## 1 Context & Goal` → `## 1. Context & Goal`',
      '`# 3. Requirements` → `## 3. Requirements`',
      '`## **4. Alternatives Considered**` → `## 4. Alternatives Considered`',
      '`## [UNCHANGED] 5. Data & Fixtures` → `## 5. Data & Fixtures`',
    ]);
  });

  it('puts the space into squeezed sub-section headings', () => {
    const markdown = sampleLld()
      .replace('### 2.1 Files Changed', '###2.1 Files Changed')
      .replace('### 2.2 Dependencies', '##2.2 Dependencies');
    const result = fixHeadingForms(markdown);
    expect(result.document).toBe(sampleLld().replace('### 2.2 Dependencies', '## 2.2 Dependencies'));
    expect(result.fixes).toEqual([
      { kind: 'heading', detail: '`###2.1 Files Changed` → `### 2.1 Files Changed`' },
      { kind: 'heading', detail: '`##2.2 Dependencies` → `## 2.2 Dependencies`' },
    ]);
  });

  it('promotes a bold line standing where the missing section belongs', () => {
    const markdown = sampleLld({ omit: [5] }).replace('## 6. Diagram', '**5. Data & Fixtures**\n\nNo fixtures.\n\n## 6. Diagram');
    const result = fixHeadingForms(markdown);
    expect(result.document).toBe(
      sampleLld({ omit: [5] }).replace('## 6. Diagram', '## 5. Data & Fixtures\n\nNo fixtures.\n\n## 6. Diagram'),
    );
    expect(result.fixes).toEqual([{ kind: 'heading', detail: '`**5. Data & Fixtures**` → `## 5. Data & Fixtures`' }]);
    expect(findSections(result.document).map((section) => section.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('promotes a bold title that shares one long word with the template title', () => {
    const markdown = sampleLld({ omit: [5] }).replace('## 6. Diagram', '__5. Test Fixtures__\n\n## 6. Diagram');
    expect(fixHeadingForms(markdown).document).toContain('\n## 5. Test Fixtures\n');
  });

  it('does not promote a bold numbered step that shares no word with the template title', () => {
    const markdown = sampleLld({ omit: [5] }).replace('## 6. Diagram', '**5. Run the migration**\n\n## 6. Diagram');
    expect(fixHeadingForms(markdown)).toEqual({ document: markdown, fixes: [] });
  });

  it('does not promote a bold line outside the gap between its neighbours', () => {
    // Section 5 is missing, but the bold line sits inside section 7, after section 6 began.
    const markdown = sampleLld({ omit: [5] }).replace('Content of section 7.', 'Content of section 7.\n\n**5. Data & Fixtures**');
    expect(fixHeadingForms(markdown)).toEqual({ document: markdown, fixes: [] });
  });

  it('does not promote a bold line for a section that has its heading', () => {
    const markdown = sampleLld().replace('Content of section 4.', 'Content of section 4.\n\n**5. Data & Fixtures**');
    expect(fixHeadingForms(markdown)).toEqual({ document: markdown, fixes: [] });
  });

  it('leaves headings inside code blocks alone', () => {
    const markdown = sampleLld().replace(
      'Content of section 3.',
      '```markdown\n## 3 Requirements\n###2.1 Files\n**5. Data & Fixtures**\n```',
    );
    expect(fixHeadingForms(markdown)).toEqual({ document: markdown, fixes: [] });
  });

  it('is idempotent', () => {
    const markdown = sampleLld({ omit: [5], headings: { 1: '## 1 Context & Goal', 7: '# 7. Security & Safety Considerations' } })
      .replace('## 6. Diagram', '**5. Data & Fixtures**\n\n## 6. Diagram')
      .replace('### 2.1 Files Changed', '###2.1 Files Changed');
    const once = fixHeadingForms(markdown);
    expect(once.fixes).toHaveLength(4);
    expect(fixHeadingForms(once.document)).toEqual({ document: once.document, fixes: [] });
  });
});
