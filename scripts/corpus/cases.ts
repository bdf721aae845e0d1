import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { atxHeading, isStructural, scanLines } from '../../src/workflows/lld/markdown-lines.js';

/** One recorded run of the LLD workflow: the issue, the drafts and verdicts in order, the final. */
export interface CorpusCase {
  /** Folder name: `106`, `84-n1` (a later run for the same issue). */
  name: string;
  /** The issue number the run designed: the folder name without its `-nN` suffix. */
  itemId: string;
  issueTitle: string;
  issueBody: string;
  drafts: string[];
  /** The verdict files' raw text, in order. */
  verdicts: string[];
  /** Verdict labels as recorded (meta.json). */
  verdictLabels: string[];
  /** The finalised document, when the run produced one (a final that is only a note has none). */
  final: string | undefined;
  hasFinal: boolean;
}

const byNumber = (left: string, right: string): number => left.localeCompare(right, 'en', { numeric: true });

/** The folder holding the case folders: `<dir>/lld` when present, else `<dir>` itself. */
export function caseFolder(directory: string): string | undefined {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) return undefined;
  const nested = join(directory, 'lld');
  return existsSync(nested) && statSync(nested).isDirectory() ? nested : directory;
}

export function readCases(corpus: string): CorpusCase[] {
  return readdirSync(corpus)
    .filter((name) => statSync(join(corpus, name)).isDirectory())
    .sort(byNumber)
    .map((name) => readCase(join(corpus, name), name));
}

function readCase(folder: string, name: string): CorpusCase {
  const files = readdirSync(folder).sort(byNumber);
  const read = (file: string): string => readFileSync(join(folder, file), 'utf8');
  const meta = JSON.parse(read('meta.json')) as { title?: string; verdicts?: string[]; has_final?: boolean };
  const issue = files.includes('issue.md') ? read('issue.md') : '';
  const body = issue.replace(/^---\n[\s\S]*?\n---\n/, '').trim();
  return {
    name,
    itemId: name.replace(/-n\d+$/, ''),
    issueTitle: meta.title ?? name,
    issueBody: body.replace(/^# .*\n+/, ''),
    drafts: files.filter((file) => /^draft-\d+\.md$/.test(file)).map(read),
    verdicts: files.filter((file) => /^verdict-\d+\.json$/.test(file)).map(read),
    verdictLabels: meta.verdicts ?? [],
    final: files.includes('final.md') ? finalDocument(read('final.md')) : undefined,
    hasFinal: meta.has_final === true,
  };
}

/**
 * final.md files open with a "# LLD Finalized" header block (path, status, reviews) before the
 * document; some are only a note ("# LLD-434 Final"). The document is the first `# ` heading that
 * is neither.
 */
export function finalDocument(text: string): string | undefined {
  for (const line of scanLines(text)) {
    if (!isStructural(line)) continue;
    const heading = atxHeading(line.text);
    if (heading?.level !== 1) continue;
    if (/^LLD Finali[sz]ed\b/i.test(heading.text) || /^LLD-\S+ Final\b/i.test(heading.text)) continue;
    return text.slice(line.start);
  }
  return undefined;
}

/** How the recorded run ended: approved when its last verdict approved, else not approved (blocked). */
export function recordedOutcome(recorded: CorpusCase): 'approved' | 'blocked' {
  return recorded.verdictLabels.includes('APPROVED') ? 'approved' : 'blocked';
}
