import { columnIndex, findTables } from './markdown-table.js';
import type { MarkdownTable } from './markdown-table.js';
import { findSection, findSubsection } from './sections.js';

export interface TestScenario {
  id: string;
  scenario: string;
  type: string;
  input: string;
  expected: string;
  passCriteria: string;
  /**
   * What decides that the scenario passes: its Pass Criteria cell; in a table without that column,
   * its Expected Output / Outcome / Result / Behaviour cell; in a table with neither, the scenario's
   * own words (`Verify X returns 0`), as approved designs write them.
   */
  criterion: string;
}

export interface TestScenarioTables {
  scenarios: TestScenario[];
  /** How many scenario tables were read. */
  tables: number;
  /** Whether every table read had a pass-criteria column. */
  hasPassCriteriaColumn: boolean;
}

const ID_COLUMN = [/^(test )?id$/i, /^#$/, /\bid\b/i];
const SCENARIO_COLUMN = [/^scenario$/i, /scenario|description|name|case/i];
const TYPE_COLUMN = [/^type$/i, /^test type$/i, /\btype\b/i];
const INPUT_COLUMN = [/^input$/i, /input|given|setup/i];
const EXPECTED_COLUMN = [/^expected( output| outcome| result| behaviou?r)?$/i, /expected|output|outcome|result|behaviou?r/i];
const PASS_COLUMN = [/^pass criteria$/i, /pass|criteria|acceptance/i];

/**
 * The test scenario rows of section 10. Tables under `### 10.1` (or a heading naming Test Scenarios)
 * when there is one; otherwise every table in section 10 with an id, a scenario and an expected or
 * pass-criteria column, which leaves out manual-test tables (`| ID | Scenario | Steps |`).
 */
export function parseTestScenarios(markdown: string): TestScenarioTables {
  const section = findSection(markdown, 10);
  if (!section) return { scenarios: [], tables: 0, hasPassCriteriaColumn: false };
  const subsection = findSubsection(markdown, section, '10.1', /test scenarios?/i);
  const isScenarioTable = (table: MarkdownTable): boolean =>
    columnIndex(table.header, ID_COLUMN) !== -1 && columnIndex(table.header, SCENARIO_COLUMN) !== -1;
  const tables = subsection
    ? findTables(subsection.body).filter(isScenarioTable)
    : findTables(section.body).filter(
        (table) =>
          isScenarioTable(table) && (columnIndex(table.header, EXPECTED_COLUMN) !== -1 || columnIndex(table.header, PASS_COLUMN) !== -1),
      );
  const scenarios = tables.flatMap(readScenarios);
  return {
    scenarios,
    tables: tables.length,
    hasPassCriteriaColumn: tables.length > 0 && tables.every((table) => columnIndex(table.header, PASS_COLUMN) !== -1),
  };
}

function readScenarios(table: MarkdownTable): TestScenario[] {
  const column = (patterns: RegExp[], exclude: number[] = []): number => {
    const index = columnIndex(table.header, patterns);
    return exclude.includes(index) ? -1 : index;
  };
  const id = column(ID_COLUMN);
  const scenario = column(SCENARIO_COLUMN, [id]);
  const type = column(TYPE_COLUMN, [id, scenario]);
  const input = column(INPUT_COLUMN, [id, scenario]);
  const expected = column(EXPECTED_COLUMN, [id, scenario]);
  const passCriteria = column(PASS_COLUMN, [id, scenario, expected]);
  const criterion = [passCriteria, expected, scenario].find((index) => index !== -1) ?? -1;
  const cell = (cells: string[], index: number): string => (index === -1 ? '' : (cells[index] ?? '').trim());
  return table.rows
    .filter((row) => row.cells.some((value) => value.trim() !== ''))
    .map((row) => ({
      id: cell(row.cells, id),
      scenario: cell(row.cells, scenario),
      type: cell(row.cells, type),
      input: cell(row.cells, input),
      expected: cell(row.cells, expected),
      passCriteria: cell(row.cells, passCriteria),
      criterion: cell(row.cells, criterion),
    }));
}

/** Whether a pass-criteria cell says nothing checkable: empty, TBD, TODO, N/A, `...`, `<criteria>`. */
export function isPlaceholder(text: string): boolean {
  const plain = text
    .replace(/[`*_]/g, '')
    .trim()
    .replace(/[.:;!]+$/, (match) => (/^\.{2,}$/.test(match) ? match : ''))
    .trim();
  if (plain === '') return true;
  if (/^(tbd|tbc|todo|fixme|xxx|n\/?a|none|same|-+|–|—|\.{2,}|…|\?+)$/i.test(plain)) return true;
  if (/^(tbd|todo|fixme)\b/i.test(plain)) return true;
  return /^<[^>]*>$/.test(plain) || /^\[[^\]]*\]$/.test(plain);
}
