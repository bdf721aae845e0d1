import { plural } from '../../core/format.js';
import { parseFilesChanged } from './files-changed.js';
import { globBase } from './path-cell.js';
import type { FileChange } from './files-changed.js';
import { LLD_SECTIONS, documentTitle, missingSections } from './sections.js';
import { isPlaceholder, parseTestScenarios } from './test-scenarios.js';

export interface ValidationIssue {
  /** Stable machine name: `missing-section`, `title-id`, `path-not-found`, … */
  code: string;
  /** The section the issue is about, as `2.1` or `10`. */
  section?: string;
  /** What the drafter is shown: what is wrong and how to fix it. */
  message: string;
}

export interface ValidateDraftOptions {
  itemId: string;
  /** Whether a repository-relative path (file or directory) exists in the target repository. */
  pathExists: (relativePath: string) => boolean;
  /** Whether a glob (`src/nodes/*.py`) matches at least one file of the target repository. */
  globMatches: (pattern: string) => boolean;
  /** Only check that sections 1–12 are present (corpus statistics). */
  sectionsOnly?: boolean;
}

/**
 * The mechanical checks a draft passes before a reviewer sees it. An empty list means it passed.
 *
 * The title must carry the item id as its own token: `# 137 - Feature: …`, `# LLD-137: …`,
 * `# Issue #137 …`; numeric ids may be zero-padded (`# 081 …` for 81). A number that merely contains
 * the id (`# 1137` for 37) does not count: a loose match would accept another item's design. The
 * `1NNN` convention is rewritten by autofix (title-number.ts) when section 1 names the item.
 */
export function validateDraft(markdown: string, options: ValidateDraftOptions): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const number of missingSections(markdown)) {
    const title = LLD_SECTIONS.find((section) => section.number === number)?.title ?? '';
    issues.push({
      code: 'missing-section',
      section: String(number),
      message: `Section ${number} (${title}) is missing: add a heading "## ${number}. ${title}" with its content, in order between the neighbouring sections.`,
    });
  }
  if (options.sectionsOnly) return issues;

  issues.push(...checkTitle(markdown, options.itemId));

  const files = parseFilesChanged(markdown);
  for (const error of files.errors) {
    issues.push({ code: files.found ? 'files-table-row' : 'files-table-missing', section: '2.1', message: error.message });
  }
  issues.push(...checkPaths(files.changes, options));

  issues.push(...checkScenarios(markdown));
  return issues;
}

function checkTitle(markdown: string, itemId: string): ValidationIssue[] {
  const title = documentTitle(markdown);
  if (title === undefined) {
    return [{ code: 'missing-title', message: `The document has no title: start it with a line "# ${itemId} - <kind>: <title>".` }];
  }
  if (!titleCarriesId(title, itemId)) {
    const rest = title.replace(/^\S*\d\S*\s*[-–—:]?\s*/, '') || '<kind>: <title>';
    return [
      {
        code: 'title-id',
        message: `The title "# ${title}" does not name item ${itemId}: start the title with the id, e.g. "# ${itemId} - ${rest}".`,
      },
    ];
  }
  return [];
}

/** Whether `title` holds `itemId` as a token, optionally as `LLD-<id>` or `#<id>`. */
export function titleCarriesId(title: string, itemId: string): boolean {
  const escaped = itemId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const padding = /^\d+$/.test(itemId) ? '0*' : '';
  const pattern = new RegExp(`(?:^|[^A-Za-z0-9_-])(?:LLD-|#)?${padding}${escaped}(?=$|[^A-Za-z0-9_-])`, 'i');
  return pattern.test(title);
}

/**
 * Modify and Delete need something to change: the file, or for a glob at least one matching file. Add
 * needs a parent folder that exists or is added too (for a glob, the folder its wildcards start in).
 */
function checkPaths(changes: FileChange[], options: Pick<ValidateDraftOptions, 'pathExists' | 'globMatches'>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const added = new Set(changes.filter((change) => change.change === 'add').map((change) => change.path));
  for (const change of changes) {
    if (change.change !== 'add') {
      if (change.glob ? !options.globMatches(change.path) : !options.pathExists(change.path)) {
        const verb = change.change === 'modify' ? 'Modify' : 'Delete';
        issues.push({
          code: 'path-not-found',
          section: '2.1',
          message: change.glob
            ? `\`${change.path}\` is marked ${verb} but matches no file in the repository: correct the pattern from the repository layout, or list the files.`
            : `\`${change.path}\` is marked ${verb} but does not exist in the repository: correct the path from the repository layout${change.change === 'modify' ? ', or mark it Add if it is a new file' : ''}.`,
        });
      }
      continue;
    }
    const parent = change.glob ? globBase(change.path) : parentOf(change.path);
    if (parent === '' || options.pathExists(parent)) continue;
    if ([parent, ...ancestorsOf(parent)].some((ancestor) => added.has(ancestor))) continue;
    issues.push({
      code: 'parent-missing',
      section: '2.1',
      message: `\`${change.path}\` is marked Add but its directory \`${parent}\` does not exist: correct the path, or add a row "| \`${parent}/\` | Add | <purpose> |" for the new directory.`,
    });
  }
  return issues;
}

function checkScenarios(markdown: string): ValidationIssue[] {
  const tables = parseTestScenarios(markdown);
  if (tables.scenarios.length === 0) {
    return [
      {
        code: 'no-test-scenarios',
        section: '10.1',
        message:
          'Section 10.1 has no test scenarios: add a table | ID | Scenario | Type | Input | Expected Output | Pass Criteria | with at least one row.',
      },
    ];
  }
  const vague = tables.scenarios.filter((scenario) => isPlaceholder(scenario.criterion));
  if (vague.length === 0) return [];
  const names = vague.map((scenario) => scenario.id || scenario.scenario || '(unnamed)').join(', ');
  return [
    {
      code: 'placeholder-pass-criteria',
      section: '10.1',
      message: `${plural(vague.length, 'Test scenario')} ${names} ${plural(vague.length, 'has', 'have')} no real pass criteria (empty, TBD, TODO, N/A, "..." or a <placeholder>): state the observable result that makes each one pass.`,
    },
  ];
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function ancestorsOf(path: string): string[] {
  const ancestors: string[] = [];
  for (let parent = parentOf(path); parent !== ''; parent = parentOf(parent)) ancestors.push(parent);
  return ancestors;
}
