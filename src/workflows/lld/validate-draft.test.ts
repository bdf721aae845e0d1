import { describe, expect, it } from 'vitest';
import { sampleLld } from './testing/sample-lld.js';
import { titleCarriesId, validateDraft } from './validate-draft.js';

const EXISTING = new Set(['src', 'src/clock', 'src/clock/clock.ts', 'docs', 'README.md']);
const pathExists = (path: string): boolean => EXISTING.has(path);
const options = { itemId: '42', pathExists };

describe('validateDraft', () => {
  it('passes a well-formed draft', () => {
    expect(validateDraft(sampleLld(), options)).toEqual([]);
  });

  it('names each missing section with the heading to add', () => {
    const issues = validateDraft(sampleLld({ omit: [7] }), options);
    expect(issues).toEqual([
      {
        code: 'missing-section',
        section: '7',
        message:
          'Section 7 (Security & Safety Considerations) is missing: add a heading "## 7. Security & Safety Considerations" with its content, in order between the neighbouring sections.',
      },
    ]);
  });

  it('with sectionsOnly, checks nothing but the sections', () => {
    const broken = sampleLld({ title: '# Untitled', fileRows: ['| `nowhere/x.ts` | Modify | gone |'], omit: [3] });
    expect(validateDraft(broken, { ...options, sectionsOnly: true }).map((issue) => issue.code)).toEqual(['missing-section']);
    expect(validateDraft(broken, options).map((issue) => issue.code)).toEqual(['missing-section', 'title-id', 'path-not-found']);
  });

  it('requires the item id in the title and shows a corrected title', () => {
    const issues = validateDraft(sampleLld({ title: '# 1042 - Feature: Timers' }), options);
    expect(issues).toEqual([
      {
        code: 'title-id',
        message: 'The title "# 1042 - Feature: Timers" does not name item 42: start the title with the id, e.g. "# 42 - Feature: Timers".',
      },
    ]);
  });

  it('reports a document without a title', () => {
    const markdown = sampleLld().replace(/^# .*\n/, '');
    expect(validateDraft(markdown, options).map((issue) => issue.code)).toEqual(['missing-title']);
  });

  it('checks that Modify and Delete paths exist', () => {
    const issues = validateDraft(
      sampleLld({ fileRows: ['| `src/clock/clokc.ts` | Modify | typo |', '| `old/tool.sh` | Delete | gone |', '| `README.md` | Modify | ok |'] }),
      options,
    );
    expect(issues.map((issue) => issue.message)).toEqual([
      '`src/clock/clokc.ts` is marked Modify but does not exist in the repository: correct the path from the repository layout, or mark it Add if it is a new file.',
      '`old/tool.sh` is marked Delete but does not exist in the repository: correct the path from the repository layout.',
    ]);
    expect(issues.every((issue) => issue.code === 'path-not-found' && issue.section === '2.1')).toBe(true);
  });

  it('accepts Add paths whose directory exists, is the root, or has an added ancestor', () => {
    const rows = [
      '| `TOP.md` | Add | root file |',
      '| `src/clock/new.ts` | Add | existing dir |',
      '| `src/timers/` | Add | new directory |',
      '| `src/timers/deep/a.ts` | Add | under an added ancestor |',
    ];
    expect(validateDraft(sampleLld({ fileRows: rows }), options)).toEqual([]);
  });

  it('reports an Add path whose directory neither exists nor is added', () => {
    const issues = validateDraft(sampleLld({ fileRows: ['| `srcs/clock/timer.ts` | Add | typo in dir |'] }), options);
    expect(issues).toEqual([
      {
        code: 'parent-missing',
        section: '2.1',
        message:
          '`srcs/clock/timer.ts` is marked Add but its directory `srcs/clock` does not exist: correct the path, or add a row "| `srcs/clock/` | Add | <purpose> |" for the new directory.',
      },
    ]);
  });

  it('passes table parse errors through with their row', () => {
    const issues = validateDraft(sampleLld({ fileRows: ['| `a.ts` | Rename | ? |'] }), options);
    expect(issues).toEqual([
      {
        code: 'files-table-row',
        section: '2.1',
        message: 'Row 1 (`a.ts`): unknown change type "Rename": use exactly one of Add, Modify or Delete.',
      },
    ]);
  });

  it('reports a missing files table', () => {
    const markdown = sampleLld().replace(/\| File \| Change Type[\s\S]*?\n\n/, '');
    expect(validateDraft(markdown, options).map((issue) => issue.code)).toEqual(['files-table-missing']);
  });

  it('requires at least one test scenario', () => {
    const issues = validateDraft(sampleLld({ scenarioRows: [] }), options);
    expect(issues.map((issue) => issue.code)).toEqual(['no-test-scenarios']);
    expect(issues[0]?.message).toContain('| ID | Scenario | Type | Input | Expected Output | Pass Criteria |');
  });

  it('names the scenarios whose pass criteria are placeholders', () => {
    const rows = [
      '| T010 | a | Unit | x | y | TBD |',
      '| T020 | b | Unit | x | y | returns 2 |',
      '| T030 | c | Unit | x | y | <criteria> |',
    ];
    const issues = validateDraft(sampleLld({ scenarioRows: rows }), options);
    expect(issues).toEqual([
      {
        code: 'placeholder-pass-criteria',
        section: '10.1',
        message:
          'Test scenarios T010, T030 have no real pass criteria (empty, TBD, TODO, N/A, "..." or a <placeholder>): state the observable result that makes each one pass.',
      },
    ]);
  });

  it('reports a scenario table without a pass-criteria column', () => {
    const markdown = sampleLld()
      .replace('| ID | Scenario | Type | Input | Expected Output | Pass Criteria |', '| ID | Scenario | Type | Input | Expected Output |')
      .replace('|----|----------|------|-------|-----------------|---------------|', '|---|---|---|---|---|');
    expect(validateDraft(markdown, options).map((issue) => issue.code)).toEqual(['missing-pass-criteria']);
  });
});

describe('titleCarriesId', () => {
  it.each([
    ['42 - Feature: X', '42'],
    ['LLD-42: X', '42'],
    ['Issue #42 - Bug: X', '42'],
    ['LLD-042 X', '42'],
    ['042 - Feature', '42'],
    ['fix-login - Fix: login', 'fix-login'],
    ['Design for add_retry', 'add_retry'],
  ])('%j carries %j', (title, id) => {
    expect(titleCarriesId(title, id)).toBe(true);
  });

  it.each([
    ['1042 - Feature', '42'],
    ['420 - Feature', '42'],
    ['42a - Feature', '42'],
    ['fix-login-2 - Fix', 'fix-login'],
    ['Feature without id', '42'],
  ])('%j does not carry %j', (title, id) => {
    expect(titleCarriesId(title, id)).toBe(false);
  });
});
