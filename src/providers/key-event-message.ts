import type { KeyEvent } from '../keys/call-with-key.js';

/** One log line for a key event: names keys, never their values. */
export function describeKeyEvent(event: KeyEvent): string {
  switch (event.type) {
    case 'rate-limited':
      return `${event.keyName} rate limited (HTTP 429): resting ${duration(event.cooldownMs)}${event.announced ? ' as the provider asked' : ''}, retrying on the next free key`;
    case 'waiting-for-key': {
      const { info } = event;
      const next = info.nextFreeInMs === undefined ? '' : `, next free in ${duration(info.nextFreeInMs)}`;
      return `waiting for a free ${info.provider} key (${info.keys} ${info.keys === 1 ? 'key' : 'keys'}: ${info.busy} busy, ${info.cooling} cooling down${next})`;
    }
    case 'transient-retry':
      return `${event.keyName} attempt ${event.attempt} failed (${event.message}); retrying in ${duration(event.delayMs)}`;
  }
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  return seconds < 60 ? `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s` : `${Math.round(seconds / 6) / 10} min`;
}
