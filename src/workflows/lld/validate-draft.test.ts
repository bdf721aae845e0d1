import { describe, expect, it } from 'vitest';
import { globMatcher } from './path-cell.js';
import { sampleLld } from './testing/sample-lld.js';
import { titleCarriesId, validateDraft, type ValidateDraftOptions } from './validate-draft.js';

const FILES = ['src/clock/clock.ts', 'src/nodes/a.py', 'src/nodes/b.py', 'README.md'];
const EXISTING = new Set(['src', 'src/clock', 'src/nodes', 'docs', ...FILES]);
const pathExists = (path: string): boolean => EXISTING.has(path);
const globMatches = (pattern: string): boolean => {
  const matches = globMatcher(pattern);
  return FILES.some((file) => matches(file));
};
const options: ValidateDraftOptions = { itemId: '42', pathExists, globMatches };

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
      sampleLld({
        fileRows: ['| `src/clock/clokc.ts` | Modify | typo |', '| `old/tool.sh` | Delete | gone |', '| `README.md` | Modify | ok |'],
      }),
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

  it('accepts a scenario table without Pass Criteria: the Expected Output decides', () => {
    const markdown = withScenarioTable('| ID | Scenario | Type | Input | Expected Output |', [
      '| T010 | fires | Unit | 5 s | callback once |',
    ]);
    expect(validateDraft(markdown, options)).toEqual([]);
  });

  it('accepts a scenario table with neither column: the scenario text decides', () => {
    const markdown = withScenarioTable('| ID | Scenario | Type |', ['| T010 | Verify the timer fires once after 5 s | Unit |']);
    expect(validateDraft(markdown, options)).toEqual([]);
  });

  it('still reports a placeholder criterion in a table without Pass Criteria', () => {
    const expected = withScenarioTable('| ID | Scenario | Type | Input | Expected Output |', [
      '| T010 | fires | Unit | 5 s | TBD |',
      '| T020 | b | Unit | x | y |',
    ]);
    expect(validateDraft(expected, options)).toEqual([
      {
        code: 'placeholder-pass-criteria',
        section: '10.1',
        message:
          'Test scenario T010 has no real pass criteria (empty, TBD, TODO, N/A, "..." or a <placeholder>): state the observable result that makes each one pass.',
      },
    ]);
    const scenarioOnly = withScenarioTable('| ID | Scenario | Type |', ['| T010 | ... | Unit |']);
    expect(validateDraft(scenarioOnly, options).map((issue) => issue.code)).toEqual(['placeholder-pass-criteria']);
  });

  it('checks that a Modify or Delete glob matches at least one file', () => {
    const rows = [
      '| `src/nodes/*.py` | Modify | every node |',
      '| `src/**/*.ts` | Delete | all ts |',
      '| `src/nodes/*.rs` | Modify | none |',
      '| `lib/**` | Delete | none |',
    ];
    expect(validateDraft(sampleLld({ fileRows: rows }), options)).toEqual([
      {
        code: 'path-not-found',
        section: '2.1',
        message:
          '`src/nodes/*.rs` is marked Modify but matches no file in the repository: correct the pattern from the repository layout, or list the files.',
      },
      {
        code: 'path-not-found',
        section: '2.1',
        message:
          '`lib/**` is marked Delete but matches no file in the repository: correct the pattern from the repository layout, or list the files.',
      },
    ]);
  });

  it('checks an Add glob against the folder its wildcards start in', () => {
    const rows = [
      '| `src/nodes/*_test.py` | Add | tests |',
      '| `src/**/fixtures.json` | Add | fixtures |',
      '| `lib/gen/*.py` | Add | generated |',
    ];
    expect(validateDraft(sampleLld({ fileRows: rows }), options)).toEqual([
      {
        code: 'parent-missing',
        section: '2.1',
        message:
          '`lib/gen/*.py` is marked Add but its directory `lib/gen` does not exist: correct the path, or add a row "| `lib/gen/` | Add | <purpose> |" for the new directory.',
      },
    ]);
  });

  it('checks neither context rows nor rows describing a set of files', () => {
    const rows = [
      '| `nowhere/` | Existing Directory | context |',
      '| `gone.ts` | Unchanged | context |',
      '| All files importing `src/clock/clock.ts` | Update | new import |',
      '| `src/clock/timer.ts` | Create | new |',
    ];
    expect(validateDraft(sampleLld({ fileRows: rows }), options)).toEqual([]);
  });

  it.each([
    ['`/etc/timers.ts`', 'is an absolute path'],
    ['`~/timers.ts`', 'is an absolute path'],
    ['`C:/repo/timers.ts`', 'is an absolute path'],
    ['`../timers.ts`', "leaves the repository with '..'"],
    ['`src/a.ts` or `src/b.ts`', 'must hold exactly one path'],
  ])('reports the path %s as a row error', (cell, reason) => {
    const issues = validateDraft(sampleLld({ fileRows: [`| ${cell} | Modify | x |`] }), options);
    expect(issues).toEqual([{ code: 'files-table-row', section: '2.1', message: expect.stringContaining(reason) as string }]);
  });
});

/** The sample design with its 10.1 table replaced by one with this header and these rows. */
function withScenarioTable(header: string, rows: string[]): string {
  const delimiter = `|${header
    .split('|')
    .slice(1, -1)
    .map(() => '---')
    .join('|')}|`;
  return sampleLld().replace(
    /\| ID \| Scenario \| Type \| Input \| Expected Output \| Pass Criteria \|\n[^\n]*\n(?:\|[^\n]*\n)*/,
    [header, delimiter, ...rows, ''].join('\n'),
  );
}

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
