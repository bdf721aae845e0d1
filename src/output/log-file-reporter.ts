import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, RunEvent } from '../runner/events.js';
import type { ItemSummary, ModelCallRecord } from '../core/items.js';
import { logFileName } from '../core/paths.js';
import { createFolderSync, FileWriteError } from '../files/atomic-write.js';
import { formatDuration } from '../core/format.js';
import { formatCost } from './format.js';
import { LinePrefixer } from './line-prefixer.js';

export interface LogFileReporterOptions {
  /** The run's logs folder (`repositoryPaths.logsFolder`); created on the first line written. */
  logsDir: string;
}

interface ItemLog {
  /** Undefined when the logs folder could not be created: the item's lines go nowhere (the failure is reported once). */
  stream: WriteStream | undefined;
  output: LinePrefixer;
  debugOutput: LinePrefixer;
  /** The time of the event being written; lines completed by it carry its timestamp. */
  at: number;
}

/**
 * Writes everything an item printed, unprefixed, with an ISO timestamp per line, to `<logsDir>/<id>.log`,
 * including debug output and each stage, model call and the item's end, whatever the console shows.
 */
export class LogFileReporter implements Reporter {
  private readonly open = new Map<string, ItemLog>();
  private readonly finished: Promise<void>[] = [];
  private readonly failures: string[] = [];
  private directoryReady = false;
  private directoryFailed = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: LogFileReporterOptions) {}

  onEvent(event: RunEvent): void {
    if (this.closing) return;
    switch (event.type) {
      case 'item-start':
        this.line(event.id, event.at, `${describeStart(event.action)}: ${event.title}`);
        return;
      case 'item-stage':
        this.line(event.id, event.at, `stage: ${event.stage}`);
        return;
      case 'item-output': {
        const log = this.log(event.id, event.at);
        (event.debug ? log.debugOutput : log.output).write(event.text);
        return;
      }
      case 'model-call':
        this.line(event.id, event.at, describeModelCall(event.call));
        return;
      case 'item-end':
        this.endItem(event.id, event.at, event.result);
        return;
      case 'run-interrupting':
        for (const id of this.open.keys()) this.line(id, event.at, 'run interrupted: writing the checkpoint and stopping');
        return;
      case 'run-stopping':
        for (const id of this.open.keys()) this.line(id, event.at, `run stopping: ${event.reason}`);
        return;
      case 'run-start':
      case 'run-warning':
      case 'run-end':
        return;
    }
  }

  /** Flushes partial lines and resolves once every file has finished writing; rejects naming files that failed. */
  close(): Promise<void> {
    this.closing ??= this.finishAll();
    return this.closing;
  }

  private async finishAll(): Promise<void> {
    for (const [id, log] of this.open) this.finishItem(id, log);
    await Promise.all(this.finished);
    // A full disk or an unwritable folder costs the logs, never the run: the caller reports this as a warning.
    if (this.failures.length > 0) throw new Error(`item logs incomplete: ${[...new Set(this.failures)].join('; ')}`);
  }

  private endItem(id: string, at: number, result: ItemSummary): void {
    const log = this.log(id, at);
    log.debugOutput.flush();
    log.output.flush();
    const output = result.output === null ? '' : `, output ${result.output}`;
    this.write(
      log,
      `end: ${result.status} at stage ${result.stage} after ${formatDuration(result.durationMs)}, ${result.llmCalls} model calls, ${formatCost(result.costUsd)}${output}`,
    );
    if (result.error !== null) for (const line of result.error.split(/\r?\n/)) this.write(log, `error: ${line}`);
    // Closing at the item's end keeps file handles bounded on long runs; a late event reopens in append mode.
    this.finishItem(id, log);
  }

  private finishItem(id: string, log: ItemLog): void {
    log.debugOutput.flush();
    log.output.flush();
    this.open.delete(id);
    log.stream?.end();
  }

  private line(id: string, at: number, text: string): void {
    this.write(this.log(id, at), text);
  }

  private write(log: ItemLog, text: string): void {
    if (log.stream === undefined || log.stream.destroyed) return;
    log.stream.write(`${new Date(log.at).toISOString()} ${text}\n`);
  }

  private log(id: string, at: number): ItemLog {
    const existing = this.open.get(id);
    if (existing) {
      existing.at = at;
      return existing;
    }
    const stream = this.directoryWritable() ? this.openStream(join(this.options.logsDir, logFileName(id))) : undefined;
    const created: ItemLog = {
      stream,
      at,
      output: new LinePrefixer('', (line) => this.write(created, line)),
      debugOutput: new LinePrefixer('debug: ', (line) => this.write(created, line)),
    };
    this.open.set(id, created);
    return created;
  }

  private directoryWritable(): boolean {
    if (!this.directoryReady && !this.directoryFailed) {
      try {
        createFolderSync(this.options.logsDir);
        this.directoryReady = true;
      } catch (error) {
        this.directoryFailed = true;
        this.failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    return this.directoryReady;
  }

  private openStream(path: string): WriteStream {
    const stream = createWriteStream(path, { flags: 'a', encoding: 'utf8' });
    this.finished.push(
      new Promise<void>((resolve) => {
        stream.on('error', (error) => this.failures.push(new FileWriteError(path, error).message));
        stream.once('close', () => resolve());
      }),
    );
    return stream;
  }
}

function describeStart(action: Extract<RunEvent, { type: 'item-start' }>['action']): string {
  switch (action.kind) {
    case 'start':
      return 'start';
    case 'resume':
      return `resume at stage ${action.stage}`;
    case 'skip':
      return `skip (${action.reason})`;
    case 'refuse':
      return `${action.status === 'invalid' ? 'invalid' : 'fail'} (${action.reason})`;
  }
}

function describeModelCall(call: ModelCallRecord): string {
  const key = call.keyName === undefined ? 'no key' : `key ${call.keyName}`;
  return `model call: ${call.role} ${call.provider}:${call.model}, ${key}, ${call.inputTokens} input + ${call.outputTokens} output tokens, ${formatCost(call.costUsd)}, ${formatDuration(call.durationMs)}`;
}
