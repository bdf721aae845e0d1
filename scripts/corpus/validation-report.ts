import { summariseFixes } from '../../src/workflows/review-loop/autofix.js';
import { parseDraft } from '../../src/workflows/lld/draft.js';
import { parseFilesChanged } from '../../src/workflows/lld/files-changed.js';
import { parseTestScenarios } from '../../src/workflows/lld/test-scenarios.js';
import { autofixLld } from '../../src/workflows/lld/lld-autofix.js';
import { globMatcher } from '../../src/workflows/lld/path-cell.js';
import { validateDraft, type ValidationIssue } from '../../src/workflows/lld/validate-draft.js';
import { parseVerdict } from '../../src/workflows/lld/verdict.js';
import { caseLayout, type CaseLayout } from './case-layout.js';
import type { CorpusCase } from './cases.js';

export interface DocumentCheck {
  /** `106/final.md` */
  label: string;
  /** Autofix kinds applied, each once. */
  fixKinds: string[];
  fixSummary: string;
  /** Problems before autofix, by rule. */
  rulesBefore: string[];
  /** Forms the rules accept that the document uses: `glob row`, `context row`, … */
  acceptedForms: string[];
  issues: ValidationIssue[];
}

/** Autofix then the full mechanical validation, against the layout the case's own tables give. */
export function checkDocument(recorded: CorpusCase, document: string, label: string, layout: CaseLayout): DocumentCheck {
  const parsed = parseDraft(document);
  if (!parsed.ok)
    return {
      label,
      fixKinds: [],
      fixSummary: '',
      rulesBefore: ['unparseable'],
      acceptedForms: [],
      issues: [{ code: 'unparseable', message: parsed.reason }],
    };
  const { files, folders } = layout;
  const all = [...files];
  const options = {
    itemId: recorded.itemId,
    pathExists: (path: string) => files.has(path) || folders.has(path),
    globMatches: (pattern: string) => all.some(globMatcher(pattern)),
  };
  const before = validateDraft(parsed.document, options);
  const fixed = autofixLld(parsed.document, recorded.itemId, options.pathExists);
  return {
    label,
    fixKinds: [...new Set(fixed.fixes.map((fix) => fix.kind))],
    fixSummary: summariseFixes(fixed.fixes),
    rulesBefore: [...new Set(before.map((issue) => issue.code))],
    acceptedForms: acceptedForms(fixed.document),
    issues: validateDraft(fixed.document, options),
  };
}

function acceptedForms(document: string): string[] {
  const table = parseFilesChanged(document);
  const scenarios = parseTestScenarios(document);
  const criteria = new Set(
    scenarios.scenarios.map((scenario) => {
      if (scenario.criterion === scenario.passCriteria && scenarios.hasPassCriteriaColumn) return '';
      return scenario.criterion === scenario.expected ? 'criteria in an Expected … column' : 'criteria in the scenario text';
    }),
  );
  return [
    ...(table.changes.some((change) => change.glob) ? ['glob row'] : []),
    ...(table.context.length > 0 ? ['context row (Exists, Unchanged, …)'] : []),
    ...(table.described.length > 0 ? ['row describing a set of files'] : []),
    ...[...criteria].filter((form) => form !== ''),
  ];
}

interface Tally {
  total: number;
  passed: number;
}

function ratio(counts: Tally): string {
  const percent = counts.total === 0 ? 0 : (100 * counts.passed) / counts.total;
  return `${counts.passed}/${counts.total} (${percent.toFixed(1)}%)`;
}

function countBy(values: readonly string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]));
}

/** The report `npm run corpus` prints, as lines. */
export function validationReport(cases: readonly CorpusCase[], corpusLabel: string): string[] {
  const sections: Tally = { total: 0, passed: 0 };
  const verdicts: Tally = { total: 0, passed: 0 };
  const finals: Tally = { total: 0, passed: 0 };
  const drafts: Tally = { total: 0, passed: 0 };
  const unreadable: string[] = [];
  const finalChecks: DocumentCheck[] = [];
  for (const recorded of cases) {
    const layout = caseLayout(recorded);
    for (const [index, draft] of recorded.drafts.entries()) {
      const check = checkDocument(recorded, draft, `${recorded.name}/draft-${index + 1}.md`, layout);
      drafts.total += 1;
      if (check.issues.length === 0) drafts.passed += 1;
      sections.total += 1;
      if (!check.issues.some((issue) => issue.code === 'missing-section' || issue.code === 'unparseable')) sections.passed += 1;
    }
    for (const [index, verdict] of recorded.verdicts.entries()) {
      const parsed = parseVerdict(verdict);
      verdicts.total += 1;
      if (parsed.ok) verdicts.passed += 1;
      else unreadable.push(`${recorded.name}/verdict-${index + 1}.json: ${parsed.reason}`);
    }
    if (recorded.final !== undefined && recorded.verdictLabels.includes('APPROVED')) {
      const check = checkDocument(recorded, recorded.final, `${recorded.name}/final.md`, layout);
      finalChecks.push(check);
      finals.total += 1;
      if (check.issues.length === 0) finals.passed += 1;
    }
  }
  const flagged = finalChecks.filter((check) => check.issues.length > 0);
  const rows: Array<[string, string]> = [
    ['corpus', corpusLabel],
    ['cases', String(cases.length)],
    ['drafts with all 12 sections', ratio(sections)],
    ['verdicts parsed', ratio(verdicts)],
    ['drafts passing full validation after autofix', ratio(drafts)],
    ['approved finals passing full validation after autofix', ratio(finals)],
  ];
  const width = Math.max(...rows.map(([key]) => key.length));
  const lines = rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`);
  lines.push('', 'approved finals flagged per rule, before autofix → after:');
  const before = countBy(finalChecks.flatMap((check) => check.rulesBefore));
  const after = new Map(countBy(flagged.flatMap((check) => [...new Set(check.issues.map((issue) => issue.code))])));
  for (const code of new Set([...before.map(([rule]) => rule), ...after.keys()])) {
    lines.push(`  ${code.padEnd(26)} ${String(before.find(([rule]) => rule === code)?.[1] ?? 0).padStart(3)} → ${after.get(code) ?? 0}`);
  }
  lines.push('', 'approved finals using a form the rules accept:');
  for (const [form, count] of countBy(finalChecks.flatMap((check) => check.acceptedForms)))
    lines.push(`  ${form.padEnd(34)} ${String(count).padStart(3)}`);
  lines.push('', 'approved finals changed per autofix:');
  for (const [kind, count] of countBy(finalChecks.flatMap((check) => check.fixKinds)))
    lines.push(`  ${kind.padEnd(26)} ${String(count).padStart(3)}`);
  lines.push('', flagged.length === 0 ? 'no approved final is flagged' : `approved finals flagged (${flagged.length}):`);
  for (const check of flagged) {
    for (const issue of check.issues) lines.push(`  ${check.label}: [${issue.code}] ${issue.message}`);
  }
  if (unreadable.length > 0) lines.push('', `verdicts not parsed (${unreadable.length}):`, ...unreadable.map((line) => `  ${line}`));
  return lines;
}
