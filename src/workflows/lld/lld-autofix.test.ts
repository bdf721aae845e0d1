import { describe, expect, it } from 'vitest';
import { autofixLld } from './lld-autofix.js';
import { sampleLld } from './testing/sample-lld.js';
import { validateDraft } from './validate-draft.js';

const EXISTING = new Set(['src', 'src/clock', 'src/clock/clock.ts', 'pytest.ini']);
const pathExists = (path: string): boolean => EXISTING.has(path);
const validation = { itemId: '42', pathExists, globMatches: () => false };

const CLEAN_ROWS = [
  '| `src/clock/clock.ts` | Modify | Add a monotonic reading |',
  '| `src/clock/timer.ts` | Add | Timer built on the clock |',
  '| `src/timers/` | Add | Home of timer helpers |',
  '| `src/clock/alarm.ts` | Add | Alarm |',
  '| `pytest.ini` | Modify | Test settings |',
];

/** The sample design with section 1 naming issue 42, as the drafter is asked to write it. */
function clean(): string {
  return sampleLld({ fileRows: CLEAN_ROWS }).replace('Content of section 1.', '* **Issue:** #42');
}

/** The same design with one of every mechanical slip the autofix repairs. */
function messy(): string {
  return sampleLld({
    title: '# 1042 - Feature: Timers on the injected clock  ',
    omit: [5],
    headings: {
      1: '## 1 Context & Goal',
      3: '# 3. Requirements',
      4: '## **4. Alternatives Considered**',
      7: '## [UNCHANGED] 7. Security & Safety Considerations',
    },
    fileRows: [
      '| `src/clock/clock.ts` | Update | Add a monotonic reading |',
      '| `src/clock/timer.ts` | Create | Timer built on the clock |',
      '| `src/timers` | Add (Directory) | Home of timer helpers |',
      '| `src/clock/alarm.ts` | Add/Modify | Alarm |',
      '| `pytest.ini` or `pyproject.toml` | Modify | Test settings |',
    ],
  })
    .replace('Content of section 1.', '* **Issue:** #42\n\n\n')
    .replace('## 6. Diagram', '**5. Data & Fixtures**\n\nContent of section 5.\n\n## 6. Diagram')
    .replace('### 2.1 Files Changed', '###2.1 Files Changed')
    .replace(/\n/g, '\r\n');
}

describe('autofixLld', () => {
  it('leaves a clean design alone', () => {
    expect(autofixLld(clean(), '42', pathExists)).toEqual({ document: clean(), fixes: [] });
  });

  it('repairs every mechanical slip, in order, into the clean design', () => {
    const result = autofixLld(messy(), '42', pathExists);
    expect(result.document).toBe(clean());
    expect(result.fixes.map((fix) => fix.kind)).toEqual([
      'whitespace',
      'heading',
      'heading',
      'heading',
      'heading',
      'heading',
      'heading',
      'title number',
      'change type',
      'change type',
      'change type',
      'change type',
      'path choice',
    ]);
    expect(result.fixes[0]?.detail).toBe('trailing spaces on 1 line, 1 run of blank lines, Windows line ends');
    expect(result.fixes.find((fix) => fix.kind === 'title number')?.detail).toBe(
      '`# 1042 - Feature: Timers on the injected clock` → `# 42 - Feature: Timers on the injected clock` (the 1NNN convention; the design is for item 42)',
    );
  });

  it('turns a draft that fails validation into one that passes', () => {
    expect(validateDraft(messy(), validation).map((issue) => issue.code)).toEqual([
      'missing-section',
      'title-id',
      'files-table-row',
      'files-table-row',
    ]);
    expect(validateDraft(autofixLld(messy(), '42', pathExists).document, validation)).toEqual([]);
  });

  it('is idempotent: its own output gets no fixes', () => {
    const once = autofixLld(messy(), '42', pathExists);
    expect(autofixLld(once.document, '42', pathExists)).toEqual({ document: once.document, fixes: [] });
  });

  it.each([
    [
      'whitespace',
      clean()
        .replace(/^(#.*)$/gm, '$1 \t')
        .replace(/\n/g, '\r\n'),
    ],
    ['a heading', clean().replace('## 8. Performance', '# 8. Performance')],
    ['a squeezed sub-heading', clean().replace('### 10.2', '###10.2')],
    ['a bold section line', clean().replace('## 5. Data & Fixtures', '**5. Data & Fixtures**')],
    ['a title placeholder', clean().replace('# 42 -', '# 0XXX -')],
    ['a title without a number', clean().replace('# 42 - ', '# ')],
    ['zero padding', clean().replace('# 42 -', '# 042 -')],
    ['a change word', clean().replace('| Modify | Test settings |', '| Edit | Test settings |')],
    ['a directory row', clean().replace('| `src/timers/` | Add |', '| `src/timers` | Add (Directory) |')],
  ])('repairs %s into the clean design, and then finds nothing more', (_slip, markdown) => {
    const once = autofixLld(markdown, '42', pathExists);
    expect(once.fixes).toHaveLength(1);
    expect(once.document).toBe(clean());
    expect(autofixLld(once.document, '42', pathExists).fixes).toEqual([]);
  });

  it('is idempotent on a draft it can only partly repair', () => {
    const markdown = sampleLld({
      title: '# 205 - Feature: Timers',
      fileRows: ['| `src/gone.ts` | Update | x |', '| `a.toml` or `b.toml` | Add/Modify | y |'],
    });
    const once = autofixLld(markdown, '42', pathExists);
    expect(once.fixes.map((fix) => fix.kind)).toEqual(['change type']);
    expect(autofixLld(once.document, '42', pathExists)).toEqual({ document: once.document, fixes: [] });
  });

  it('leaves real defects for validation to report', () => {
    const markdown = sampleLld({
      title: '# 205 - Feature: Timers',
      omit: [9],
      fileRows: [
        '| `src/clock/gone.ts` | Update | missing file |',
        '| `lib/x/new.ts` | Create | missing folder |',
        '| `setup.cfg` or `tox.ini` | Modify | neither exists |',
      ],
      scenarioRows: ['| T010 | a | Unit | x | y | TBD |'],
    }).replace('Content of section 1.', '* **Issue:** #42');
    const fixed = autofixLld(markdown, '42', pathExists);
    expect(fixed.document.split('\n')[0]).toBe('# 205 - Feature: Timers');
    expect(validateDraft(fixed.document, validation).map((issue) => issue.code)).toEqual([
      'missing-section',
      'title-id',
      'files-table-row',
      'path-not-found',
      'parent-missing',
      'placeholder-pass-criteria',
    ]);
  });

  it('gives a squeezed title line its space, then its item number', () => {
    const result = autofixLld(clean().replace(/^# 42 - /, '#1042 - '), '42', pathExists);
    expect(result.document).toBe(clean());
    expect(result.fixes.map((fix) => fix.kind)).toEqual(['heading', 'title number']);
    expect(validateDraft(result.document, validation)).toEqual([]);
  });
});
