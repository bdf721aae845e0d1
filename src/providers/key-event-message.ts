import { formatDuration, plural } from '../core/format.js';
import type { KeyEvent } from '../keys/call-with-key.js';

/** One log line for a key event: names keys, never their values. */
export function describeKeyEvent(event: KeyEvent): string {
  switch (event.type) {
    case 'rate-limited':
      return `${event.keyName} rate limited (HTTP 429): resting ${formatDuration(event.cooldownMs, 'prose')}${event.announced ? ' as the provider asked' : ''}, retrying on the next free key`;
    case 'waiting-for-key': {
      const { info } = event;
      const next = info.nextFreeInMs === undefined ? '' : `, next free in ${formatDuration(info.nextFreeInMs, 'prose')}`;
      return `waiting for a free ${info.provider} key (${info.keys} ${plural(info.keys, 'key')}: ${info.busy} busy, ${info.cooling} cooling down${next})`;
    }
    case 'transient-retry':
      return `${event.keyName} attempt ${event.attempt} failed (${event.message}); retrying in ${formatDuration(event.delayMs, 'prose')}`;
  }
}
