import picocolors from 'picocolors';
import type { ItemSummary } from '../core/items.js';
import type { Reporter, RunEvent } from '../runner/events.js';
import { formatDuration, plural } from '../core/format.js';
import { displayWidth } from './display-width.js';
import { formatCost } from './format.js';
import { LinePrefixer } from './line-prefixer.js';
import { styledStatus, type Colors } from './status-style.js';
import type { TerminalWriter } from './terminal-writer.js';

export interface ConsoleReporterOptions {
  /** The one writer that owns the console stream. */
  writer: TerminalWriter;
  /** Show items' debug output and model calls. */
  debug: boolean;
  /** Colour codes in the output: the caller's decision (see color-choice.ts), a TTY or not. */
  color: boolean;
  /**
   * `--quiet`: only warnings, errors and items that did not succeed; no run header, no per-item lines,
   * no start or stage lines. Default false.
   */
  quiet?: boolean;
}

type ColorName =
  | 'cyan'
  | 'magenta'
  | 'yellow'
  | 'blue'
  | 'green'
  | 'red'
  | 'cyanBright'
  | 'magentaBright'
  | 'yellowBright'
  | 'blueBright'
  | 'greenBright'
  | 'redBright';
const ITEM_COLORS: readonly ColorName[] = [
  'cyan',
  'magenta',
  'yellow',
  'blue',
  'green',
  'red',
  'cyanBright',
  'magentaBright',
  'yellowBright',
  'blueBright',
  'greenBright',
  'redBright',
];

/** What `--quiet` still prints: warnings, errors, and the ends of items (only those that did not succeed). */
const QUIET_EVENTS: ReadonlySet<RunEvent['type']> = new Set([
  'run-start',
  'item-end',
  'run-warning',
  'run-stopping',
  'run-interrupting',
  'run-end',
]);

/** Where a folded run line (a warning) continues. */
const RUN_LINE_INDENT = 2;

interface ItemLines {
  prefix: string;
  /** The prefix's width on screen: where a folded line continues. */
  indent: number;
  output: LinePrefixer;
  // Debug messages get their own buffer so a hidden or dimmed debug line never merges into a partial output line.
  debugOutput: LinePrefixer;
}

/**
 * Prints every item's lines with an `[id] ` prefix, padded so columns line up, plus start, stage and
 * end lines, warnings and the interruption notice.
 */
export class ConsoleReporter implements Reporter {
  private readonly colors: Colors;
  private readonly items = new Map<string, ItemLines>();
  private idWidth = 0;

  constructor(private readonly options: ConsoleReporterOptions) {
    this.colors = picocolors.createColors(options.color);
  }

  onEvent(event: RunEvent): void {
    if (this.options.quiet === true && !QUIET_EVENTS.has(event.type)) return;
    switch (event.type) {
      case 'run-start': {
        this.idWidth = Math.max(this.idWidth, ...event.items.map((item) => item.id.length));
        const count = event.items.length;
        if (this.options.quiet === true) return;
        this.print(
          `${event.workflow} run ${event.runId}: ${count} ${plural(count, 'item')}, ${event.parallel > 1 ? `parallel ${event.parallel}` : 'sequential'}`,
        );
        return;
      }
      case 'item-start': {
        const action = event.action;
        const text =
          action.kind === 'resume'
            ? action.continueBlocked
              ? 'continuing where it was blocked'
              : `resuming at stage ${action.stage}`
            : action.kind === 'skip'
              ? `skipping (${action.reason})`
              : 'starting';
        this.itemLine(event.id, this.colors.bold(text));
        return;
      }
      case 'item-stage':
        // Each stage is also announced by the workflow's own line ("drafting with …"); the bare stage
        // name shows in the progress area and the log file, and here only with --debug.
        if (this.options.debug) this.itemLine(event.id, this.colors.dim(`stage: ${event.stage}`));
        return;
      case 'item-output':
        if (!event.debug) this.lines(event.id).output.write(event.text);
        else if (this.options.debug) this.lines(event.id).debugOutput.write(event.text);
        return;
      case 'model-call': {
        if (!this.options.debug) return;
        const call = event.call;
        const key = call.keyName === undefined ? '' : ` key ${call.keyName}`;
        this.itemLine(
          event.id,
          this.colors.dim(
            `model call: ${call.role} ${call.provider}:${call.model}${key}, ${call.inputTokens}+${call.outputTokens} tokens, ${formatCost(call.costUsd)}, ${formatDuration(call.durationMs)}`,
          ),
        );
        return;
      }
      case 'item-end':
        this.endItem(event.id, event.result);
        return;
      case 'run-warning':
        this.print(this.colors.yellow(`warning: ${event.message}`));
        return;
      case 'run-stopping':
        this.print(this.colors.red(`stopping: ${event.reason} — no further item starts`));
        return;
      case 'run-interrupting':
        this.print(this.colors.yellow("interrupted: finishing running items' checkpoints… press Ctrl+C again to exit at once"));
        return;
      case 'run-end':
        this.flushAll();
        return;
    }
  }

  close(): Promise<void> {
    this.flushAll();
    return Promise.resolve();
  }

  private endItem(id: string, result: ItemSummary): void {
    if (this.options.quiet === true && (result.status === 'succeeded' || result.status === 'skipped')) return;
    const lines = this.lines(id);
    lines.debugOutput.flush();
    lines.output.flush();
    const duration = formatDuration(result.durationMs);
    const status = styledStatus(result.status, this.colors);
    const summary =
      result.status === 'succeeded' || result.status === 'skipped' ? `${status} in ${duration}` : `${status} after ${duration}`;
    const output = result.output === null ? '' : ` → ${result.output}`;
    const [firstErrorLine, ...moreErrorLines] = (result.error ?? '').split(/\r?\n/);
    const error = firstErrorLine ? `: ${firstErrorLine}` : '';
    this.options.writer.writeLines(
      [`${lines.prefix}${summary}${output}${error}`, ...moreErrorLines.map((line) => `${lines.prefix}  ${line}`)],
      { foldIndent: lines.indent },
    );
  }

  private itemLine(id: string, text: string): void {
    const lines = this.lines(id);
    this.options.writer.writeLines([lines.prefix + text], { foldIndent: lines.indent });
  }

  private print(line: string): void {
    this.options.writer.writeLines([line], { foldIndent: RUN_LINE_INDENT });
  }

  private lines(id: string): ItemLines {
    const existing = this.items.get(id);
    if (existing) return existing;
    const colorName = ITEM_COLORS[this.items.size % ITEM_COLORS.length] ?? 'cyan';
    const label = `[${id}]`.padEnd(Math.max(this.idWidth, id.length) + 2);
    const prefix = `${this.colors[colorName](label)} `;
    const indent = displayWidth(label) + 1;
    const writer = this.options.writer;
    const created: ItemLines = {
      prefix,
      indent,
      output: new LinePrefixer(prefix, (line) => writer.writeLines([line], { foldIndent: indent })),
      debugOutput: new LinePrefixer('', (line) => writer.writeLines([prefix + this.colors.dim(line)], { foldIndent: indent })),
    };
    this.items.set(id, created);
    return created;
  }

  private flushAll(): void {
    for (const lines of this.items.values()) {
      lines.debugOutput.flush();
      lines.output.flush();
    }
  }
}
