import { documentTitle } from '../lld/sections.js';
import { isPlaceholder } from '../lld/test-scenarios.js';

const REQUIRED_HEADINGS = ['Problem', 'Proposed Solution', 'Acceptance Criteria'];

/** Mechanical checks of an issue draft; each string is an error the drafter will be shown. */
export function validateIssue(markdown: string): string[] {
  const errors: string[] = [];
  const title = documentTitle(markdown);
  if (!title || /<[^>]*>/.test(title) || isPlaceholder(title))
    errors.push('The document needs a "# " title line with a real, short imperative title (no <placeholder>).');
  const headings = [...markdown.matchAll(/^##\s+(.+?)\s*$/gm)].map((match) => (match[1] ?? '').trim().toLowerCase());
  for (const required of REQUIRED_HEADINGS) {
    if (!headings.some((heading) => heading.startsWith(required.toLowerCase())))
      errors.push(`The "## ${required}" section is missing: add it with its content.`);
  }
  const criteria = sectionBody(markdown, 'Acceptance Criteria');
  if (criteria !== undefined) {
    const items = [...criteria.matchAll(/^\s*[-*]\s+\[[ xX]\]\s+(.+)$/gm)].map((match) => (match[1] ?? '').trim());
    const real = items.filter((item) => !isPlaceholder(item) && !/^\*.*\*$/.test(item) && !item.includes('…'));
    if (real.length === 0)
      errors.push(
        '"## Acceptance Criteria" needs at least one "- [ ]" item that states a testable, observable result (not a placeholder).',
      );
  }
  return errors;
}

function sectionBody(markdown: string, heading: string): string | undefined {
  const match = new RegExp(`^##\\s+${heading}[^\\n]*\\n([\\s\\S]*?)(?=^##\\s|(?![\\s\\S]))`, 'im').exec(markdown);
  return match?.[1];
}
