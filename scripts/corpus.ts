/**
 * Runs the LLD parsers over the recorded corpus and prints how much of it they read:
 * drafts with all 12 sections found, verdicts parsed, and every failure by case and file.
 *
 *   npm run corpus [-- --corpus <dir>]      (or LLDFLOW_CORPUS=<dir>)
 *
 * Exits 0 whatever the numbers are; 2 when the corpus folder is missing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDraft } from '../src/workflows/lld/draft.js';
import { atxHeading, isStructural, scanLines } from '../src/workflows/lld/markdown-lines.js';
import { packageRoot } from '../src/workflows/lld/template.js';
import { validateDraft } from '../src/workflows/lld/validate-draft.js';
import { parseVerdict } from '../src/workflows/lld/verdict.js';

interface Failure {
  file: string;
  reason: string;
}

interface Tally {
  total: number;
  passed: number;
}

async function main(): Promise<number> {
  const root = await packageRoot(dirname(fileURLToPath(import.meta.url)));
  const requested = argumentValue('--corpus') ?? process.env.LLDFLOW_CORPUS ?? join(root, '..', 'shared', 'corpus');
  const corpus = caseFolder(resolve(requested));
  if (!corpus) {
    console.error(`corpus folder not found: ${resolve(requested)} (pass --corpus <dir> or set LLDFLOW_CORPUS)`);
    return 2;
  }

  const cases = readdirSync(corpus)
    .filter((name) => statSync(join(corpus, name)).isDirectory())
    .sort((left, right) => left.localeCompare(right, 'en', { numeric: true }));
  const drafts: Tally = { total: 0, passed: 0 };
  const finals: Tally = { total: 0, passed: 0 };
  const verdicts: Tally = { total: 0, passed: 0 };
  const failures: Failure[] = [];

  for (const name of cases) {
    const folder = join(corpus, name);
    const files = readdirSync(folder).sort((left, right) => left.localeCompare(right, 'en', { numeric: true }));
    for (const file of files) {
      const path = join(folder, file);
      const label = `${name}/${file}`;
      if (/^draft-\d+\.md$/.test(file)) {
        tally(drafts, failures, label, checkDocument(readFileSync(path, 'utf8'), name));
      } else if (file === 'final.md') {
        tally(finals, failures, label, checkDocument(finalDocument(readFileSync(path, 'utf8')), name));
      } else if (/^verdict-\d+\.json$/.test(file)) {
        const parsed = parseVerdict(readFileSync(path, 'utf8'));
        tally(verdicts, failures, label, parsed.ok ? undefined : parsed.reason);
      }
    }
  }

  const rows: Array<[string, string]> = [
    ['corpus', relative(process.cwd(), corpus) || '.'],
    ['cases', String(cases.length)],
    ['drafts', String(drafts.total)],
    ['drafts with all 12 sections', ratio(drafts)],
    ['finals with all 12 sections', ratio(finals)],
    ['verdicts', String(verdicts.total)],
    ['verdicts parsed', ratio(verdicts)],
  ];
  const width = Math.max(...rows.map(([key]) => key.length));
  for (const [key, value] of rows) console.log(`${key.padEnd(width)}  ${value}`);
  console.log('');
  console.log(failures.length === 0 ? 'no failures' : `failures (${failures.length}):`);
  for (const failure of failures) console.log(`  ${failure.file}: ${failure.reason}`);
  return 0;
}

function checkDocument(text: string | undefined, itemId: string): string | undefined {
  if (text === undefined) return 'no LLD document in the file (a finalisation note only)';
  const draft = parseDraft(text);
  if (!draft.ok) return draft.reason;
  const issues = validateDraft(draft.document, { itemId, pathExists: () => true, sectionsOnly: true });
  if (issues.length === 0) return undefined;
  return `sections missing: ${issues.map((issue) => issue.section ?? issue.code).join(', ')}`;
}

/**
 * final.md files open with a "# LLD Finalized" header block (path, status, reviews) before the
 * document; some are only a note ("# LLD-434 Final"). The document is the first `# ` heading that
 * is neither.
 */
function finalDocument(text: string): string | undefined {
  for (const line of scanLines(text)) {
    if (!isStructural(line)) continue;
    const heading = atxHeading(line.text);
    if (heading?.level !== 1) continue;
    if (/^LLD Finali[sz]ed\b/i.test(heading.text) || /^LLD-\S+ Final\b/i.test(heading.text)) continue;
    return text.slice(line.start);
  }
  return undefined;
}

function tally(counts: Tally, failures: Failure[], file: string, failure: string | undefined): void {
  counts.total += 1;
  if (failure === undefined) counts.passed += 1;
  else failures.push({ file, reason: failure });
}

function ratio(counts: Tally): string {
  const percent = counts.total === 0 ? 0 : (100 * counts.passed) / counts.total;
  return `${counts.passed}/${counts.total} (${percent.toFixed(1)}%)`;
}

/** The folder holding the case folders: `<dir>/lld` when present, else `<dir>` itself. */
function caseFolder(directory: string): string | undefined {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) return undefined;
  const nested = join(directory, 'lld');
  return existsSync(nested) && statSync(nested).isDirectory() ? nested : directory;
}

function argumentValue(name: string): string | undefined {
  const args = process.argv.slice(2);
  const index = args.indexOf(name);
  if (index !== -1) return args[index + 1];
  const inline = args.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

// `npm run corpus | head` closes the pipe early; that is not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
process.exitCode = await main();
