import type { ServerResponse } from 'node:http';

/** How a fake server sends a streamed answer. */
export interface FakeStreamOptions {
  /** Into how many pieces the text is split, each sent as one event. Default 3 (fewer for a shorter text). */
  chunks?: number;
  /** Real milliseconds between two pieces. Default 0. */
  intervalMs?: number;
  /** After this many pieces nothing more is sent, and the connection stays open: a stalled answer. */
  stallAfterChunks?: number;
  /** After this many pieces the protocol's error event is sent and the stream ends: an answer that broke off. */
  failAfterChunks?: number;
  /** After this many pieces the stream ends without its closing events: an answer cut off cleanly (a proxy, a restart). */
  endAfterChunks?: number;
}

/** The events of one streamed answer: `deltas[i]` carries the i-th piece of the text. */
export interface StreamEvents {
  opening: string[];
  deltas: string[];
  closing: string[];
}

const DEFAULT_CHUNKS = 3;

/** One server-sent event: `event: <name>` when named, then the JSON data, then a blank line. */
export function sseEvent(data: unknown, event?: string): string {
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/** `text` in `count` pieces of about equal length (at least one piece, never a split surrogate pair). */
export function splitText(text: string, count = DEFAULT_CHUNKS): string[] {
  const pieces = Math.max(1, Math.min(Math.floor(count), text.length));
  const size = Math.ceil(text.length / pieces);
  const result: string[] = [];
  let start = 0;
  while (start < text.length || result.length === 0) {
    let end = Math.min(text.length, start + size);
    if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end += 1;
    result.push(text.slice(start, end));
    start = end;
  }
  return result;
}

/**
 * Writes the events as `text/event-stream`, the headers first (as a real server flushes them before
 * the model has written anything), waiting `intervalMs` between pieces. Stops writing as soon as the
 * client has gone. Resolves once everything meant to be sent was sent.
 */
export async function writeStream(
  response: ServerResponse,
  events: StreamEvents,
  options: FakeStreamOptions,
  errorEvent: () => string,
): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.flushHeaders();
  const write = (frames: readonly string[]): boolean => {
    if (response.destroyed) return false;
    for (const frame of frames) response.write(frame);
    return true;
  };
  if (!write(events.opening)) return;
  const { deltas } = events;
  for (let index = 0; index <= deltas.length; index++) {
    if (index === options.stallAfterChunks) return;
    if (index === options.failAfterChunks) {
      if (write([errorEvent()])) response.end();
      return;
    }
    if (index === options.endAfterChunks) {
      response.end();
      return;
    }
    if (index === deltas.length) break;
    if (index > 0 && options.intervalMs) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    if (!write([deltas[index]!])) return;
  }
  if (write(events.closing)) response.end();
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
