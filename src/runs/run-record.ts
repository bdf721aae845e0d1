import { readdirSync, readFileSync } from 'node:fs';
import type { RunSummary } from '../core/items.js';
import { inRepository, repositoryPaths } from '../core/paths.js';
import type { RunEvent } from '../runner/events.js';
import { compareRunIds } from '../runner/run-id.js';
import { runEventsPath, runsDir } from './run-files.js';

/** What `lldflow report` reads of one past run: its summary and, when the run wrote them, its events. */
export interface RunRecord {
  summary: RunSummary;
  /** Undefined for a run of an lldflow that wrote no events file (or one that could not be read). */
  events: RunEvent[] | undefined;
  /** Lines of the events file that were not an event (a cut-off last line): skipped. */
  skippedLines: number;
}

/** `2026-01-01T12-00-00Z`, or with the suffix of a second run in the same second: `…Z-2`. */
const RUN_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z(-\d+)?$/;

/** Whether `text` has the shape of a run id: checked before any path is built from it. */
export function isRunId(text: string): boolean {
  return RUN_ID.test(text);
}

/** The run ids with a summary in this repository, oldest first. */
export function savedRunIds(repo: string): string[] {
  let names: string[];
  try {
    names = readdirSync(runsDir(repo));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .filter(isRunId)
    .sort(compareRunIds);
}

/** The run's summary and events; undefined when `runId` is not a run id or its summary cannot be read. */
export function readRunRecord(repo: string, runId: string): RunRecord | undefined {
  if (!isRunId(runId)) return undefined;
  let summary: RunSummary;
  try {
    summary = JSON.parse(readFileSync(inRepository(repo, repositoryPaths.runSummary(runId)), 'utf8')) as RunSummary;
  } catch {
    return undefined;
  }
  if (typeof summary !== 'object' || summary === null || !Array.isArray(summary.items)) return undefined;
  let text: string;
  try {
    text = readFileSync(runEventsPath(repo, runId), 'utf8');
  } catch {
    return { summary, events: undefined, skippedLines: 0 };
  }
  return { summary, ...parseEventLines(text) };
}

/** NDJSON → events; a line that is not a JSON object with a `type` and a time `at` is counted, not fatal. */
export function parseEventLines(text: string): { events: RunEvent[]; skippedLines: number } {
  const events: RunEvent[] = [];
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isEventShaped(value)) events.push(value);
      else skippedLines += 1;
    } catch {
      skippedLines += 1;
    }
  }
  return { events, skippedLines };
}

function isEventShaped(value: unknown): value is RunEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as { type?: unknown; at?: unknown };
  return typeof event.type === 'string' && typeof event.at === 'number' && Number.isFinite(event.at);
}
