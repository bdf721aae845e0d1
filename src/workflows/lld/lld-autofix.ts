import { applyFixers, type AutofixResult } from '../review-loop/autofix.js';
import { fixFilesTable } from './files-table-fix.js';
import { fixHeadingForms } from './heading-forms.js';
import { fixTitleNumber } from './title-number.js';
import { fixWhitespace } from './whitespace-fix.js';

/**
 * Every mechanical fix an LLD draft gets before validation, in order: whitespace first (the other
 * fixers read lines), then heading forms (the title's `#1106` too), the title's item number, and
 * the 2.1 table's rows (which may ask whether a path exists). Running it on its own output changes
 * nothing.
 */
export function autofixLld(markdown: string, itemId: string, pathExists: (relativePath: string) => boolean): AutofixResult {
  return applyFixers(markdown, [
    fixWhitespace,
    fixHeadingForms,
    (document) => fixTitleNumber(document, itemId),
    (document) => fixFilesTable(document, pathExists),
  ]);
}
