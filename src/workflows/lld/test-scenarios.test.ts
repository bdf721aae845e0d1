import { describe, expect, it } from 'vitest';
import { isPlaceholder, parseTestScenarios } from './test-scenarios.js';
import { sampleLld } from './testing/sample-lld.js';

describe('parseTestScenarios', () => {
  it('reads the 10.1 table', () => {
    const result = parseTestScenarios(sampleLld());
    expect(result.tables).toBe(1);
    expect(result.hasPassCriteriaColumn).toBe(true);
    expect(result.scenarios[0]).toEqual({
      id: 'T010',
      scenario: 'Timer fires after delay',
      type: 'Unit',
      input: '5 s delay',
      expected: 'callback once',
      passCriteria: 'callback count is 1 after 5 s',
      criterion: 'callback count is 1 after 5 s',
    });
    expect(result.scenarios).toHaveLength(2);
  });

  it('maps columns by name, with extra columns and another order', () => {
    const markdown = [
      '## 10. Verification & Testing',
      '### 10.1 Test Scenarios',
      '| ID | Scenario | Input | Expected Output | Test Type | Pass Criteria | Requirement |',
      '|---|---|---|---|---|---|---|',
      '| 010 | Empty list | `[]` | `0` | Unit | returns 0 | REQ-1 |',
    ].join('\n');
    expect(parseTestScenarios(markdown).scenarios).toEqual([
      {
        id: '010',
        scenario: 'Empty list',
        type: 'Unit',
        input: '`[]`',
        expected: '`0`',
        passCriteria: 'returns 0',
        criterion: 'returns 0',
      },
    ]);
  });

  it('reads several tables under 10.1 and leaves manual-test tables in 10.3 out', () => {
    const markdown = [
      '## 10. Verification & Testing',
      '### 10.1 Test Scenarios',
      '| ID | Scenario | Type | Input | Expected Output | Pass Criteria |',
      '|---|---|---|---|---|---|',
      '| A1 | one | Unit | x | y | z |',
      '',
      '| ID | Scenario | Type | Input | Expected Output | Pass Criteria |',
      '|---|---|---|---|---|---|',
      '| B1 | two | Unit | x | y | z |',
      '### 10.3 Manual Tests',
      '| ID | Scenario | Why Not Automated | Steps |',
      '|---|---|---|---|',
      '| M1 | look | eyes | open |',
    ].join('\n');
    expect(parseTestScenarios(markdown).scenarios.map((scenario) => scenario.id)).toEqual(['A1', 'B1']);
  });

  it('without a 10.1 heading, takes tables in section 10 that have expected or pass columns', () => {
    const markdown = [
      '## 10. Verification & Testing',
      '| ID | Scenario | Type | Input | Expected Output | Pass Criteria |',
      '|---|---|---|---|---|---|',
      '| A1 | one | Unit | x | y | z |',
      '',
      '| ID | Scenario | Why Not Automated | Steps |',
      '|---|---|---|---|',
      '| M1 | look | eyes | open |',
    ].join('\n');
    expect(parseTestScenarios(markdown).scenarios.map((scenario) => scenario.id)).toEqual(['A1']);
  });

  it('says when the table has no pass-criteria column', () => {
    const markdown = '## 10. Verification & Testing\n### 10.1 Test Scenarios\n| ID | Scenario | Type |\n|---|---|---|\n| 1 | a | Unit |\n';
    const result = parseTestScenarios(markdown);
    expect(result.scenarios).toHaveLength(1);
    expect(result.hasPassCriteriaColumn).toBe(false);
  });

  it.each(['Expected Output', 'Expected Outcome', 'Expected Result', 'Expected Behaviour', 'Expected Behavior', 'Result', 'Outcome'])(
    'without Pass Criteria, the %s cell is the criterion',
    (column) => {
      const markdown = `## 10. Verification & Testing\n### 10.1 Test Scenarios\n| ID | Scenario | ${column} |\n|---|---|---|\n| T1 | empty list | returns 0 |\n`;
      const result = parseTestScenarios(markdown);
      expect(result.hasPassCriteriaColumn).toBe(false);
      expect(result.scenarios).toEqual([
        { id: 'T1', scenario: 'empty list', type: '', input: '', expected: 'returns 0', passCriteria: '', criterion: 'returns 0' },
      ]);
    },
  );

  it('with neither column, the scenario text is the criterion', () => {
    const markdown =
      '## 10. Verification & Testing\n### 10.1 Test Scenarios\n| ID | Scenario | Type |\n|---|---|---|\n| T1 | Verify sum([]) returns 0 | Unit |\n';
    expect(parseTestScenarios(markdown).scenarios[0]?.criterion).toBe('Verify sum([]) returns 0');
  });

  it('prefers Pass Criteria over Expected Output, even when it is a placeholder', () => {
    const markdown =
      '## 10. Verification & Testing\n### 10.1 Test Scenarios\n| ID | Scenario | Expected Output | Pass Criteria |\n|---|---|---|---|\n| T1 | a | returns 0 | TBD |\n';
    expect(parseTestScenarios(markdown).scenarios[0]?.criterion).toBe('TBD');
  });

  it('finds nothing without section 10', () => {
    expect(parseTestScenarios(sampleLld({ omit: [10] }))).toEqual({ scenarios: [], tables: 0, hasPassCriteriaColumn: false });
  });
});

describe('isPlaceholder', () => {
  it.each([
    '',
    '  ',
    'TBD',
    'tbd.',
    'TODO: decide',
    'N/A',
    'n/a',
    'NA',
    '...',
    '…',
    '<criteria>',
    '**TBD**',
    '`TODO`',
    '-',
    '?',
    '[pass criteria]',
  ])('%j is a placeholder', (text) => {
    expect(isPlaceholder(text)).toBe(true);
  });

  it.each(['returns 0', 'exit code is 1.', 'no file written outside the temp dir', 'TBDX parser accepts input'])('%j is real', (text) => {
    expect(isPlaceholder(text)).toBe(false);
  });
});
