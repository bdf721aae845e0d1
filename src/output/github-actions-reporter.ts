import { appendFile } from 'node:fs/promises';
import type { ItemStatus, ItemSummary, RunSummary } from '../core/items.js';
import type { Reporter, RunEvent } from '../runner/events.js';
import { renderStepSummary } from './step-summary.js';
import type { TerminalWriter } from './terminal-writer.js';

export interface GitHubActionsReporterOptions {
  /** Where the annotation lines go: the run's human output, which the runner reads for workflow commands. */
  writer: TerminalWriter;
  /** `$GITHUB_STEP_SUMMARY`: the file the job's summary page is made of; undefined writes none. */
  stepSummaryFile: string | undefined;
  /** Appends text to a file. Default: fs.promises.appendFile. */
  append?: (path: string, text: string) => Promise<void>;
}

/** Which items get an annotation, and of which kind. */
const ANNOTATIONS: Partial<Record<ItemStatus, 'error' | 'warning'>> = {
  failed: 'error',
  invalid: 'error',
  blocked: 'warning',
  interrupted: 'warning',
  cancelled: 'warning',
};

/**
 * What a run shows on GitHub Actions (`GITHUB_ACTIONS=true`): an `::error` annotation per failed item
 * and a `::warning` per blocked or stopped one, printed when the run ends, and the run's summary as
 * markdown appended to `$GITHUB_STEP_SUMMARY` (a table of the items, what went wrong and how to go on).
 */
export class GitHubActionsReporter implements Reporter {
  private summary: RunSummary | undefined;

  constructor(private readonly options: GitHubActionsReporterOptions) {}

  onEvent(event: RunEvent): void {
    if (event.type !== 'run-end') return;
    this.summary = event.summary;
    const lines = event.summary.items.flatMap((item) => {
      const kind = ANNOTATIONS[item.status];
      return kind === undefined ? [] : [annotation(kind, `lldflow ${event.summary.workflow} ${item.id}: ${item.status}`, message(item))];
    });
    this.options.writer.writeLines(lines);
  }

  async close(): Promise<void> {
    const { summary } = this;
    const file = this.options.stepSummaryFile;
    if (summary === undefined || file === undefined) return;
    this.summary = undefined;
    await (this.options.append ?? appendFile)(file, `${renderStepSummary(summary)}\n`);
  }
}

/** What an annotation says about an item: why it stopped, and for a blocked one what a human can do. */
function message(item: ItemSummary): string {
  const lines = [`${item.title ? `${item.title}: ` : ''}${item.error ?? item.status}`];
  const blocked = item.blocked;
  if (blocked) {
    for (const question of blocked.questions) lines.push(`question: ${question}`);
    if (blocked.worktree !== undefined) lines.push(`worktree: ${blocked.worktree}`);
    if (blocked.continueCommand !== undefined) lines.push(`continue: ${blocked.continueCommand}`);
    if (blocked.approveCommand !== undefined) lines.push(`approve: ${blocked.approveCommand}`);
  }
  return lines.join('\n');
}

/**
 * One workflow command line (`::error title=…::message`), escaped as GitHub's toolkit does: in the
 * message `%`, `\r` and `\n`; in a property also `:` and `,`, which would end it.
 */
export function annotation(kind: 'error' | 'warning' | 'notice', title: string, text: string): string {
  return `::${kind} title=${escapeProperty(title)}::${escapeData(text)}`;
}

export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
