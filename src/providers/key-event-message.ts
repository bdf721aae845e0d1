import { formatDuration, plural } from '../core/format.js';
import type { KeyEvent } from '../keys/call-with-key.js';
import type { KeyWaitInfo } from '../keys/key-lease.js';
import { describeSetAside } from '../keys/key-pool-failures.js';

/** One log line for a key event: names keys, never their values. */
export function describeKeyEvent(event: KeyEvent): string {
  switch (event.type) {
    case 'rate-limited': {
      const resting = formatDuration(event.cooldownMs, 'prose');
      if (event.askedMs !== undefined) {
        return `${event.keyName} rate limited (HTTP 429): the provider asked for ${formatDuration(event.askedMs, 'prose')}; resting ${resting} (the longest rest), retrying on the next free key`;
      }
      return `${event.keyName} rate limited (HTTP 429): resting ${resting}${event.announced ? ' as the provider asked' : ''}, retrying on the next free key`;
    }
    case 'key-set-aside':
      return `${describeSetAside(event.keyName, event.kind, event.why)}: not used again this run`;
    case 'waiting-for-key':
      return `waiting for a free ${event.info.provider} key (${describeWaitCauses(event.info)})`;
    case 'transient-retry':
      return `${event.keyName} attempt ${event.attempt} failed (${event.message}); retrying in ${formatDuration(event.delayMs, 'prose')}`;
  }
}

/** `3 keys: 1 busy, 1 cooling down, 1 at its rate limit, next free in 2 s`; pacing and set-aside only when they hold a key. */
function describeWaitCauses(info: KeyWaitInfo): string {
  const causes = [`${info.busy} busy`, `${info.cooling} cooling down`];
  if (info.paced > 0) causes.push(`${info.paced} ${info.paced === 1 ? 'at its rate limit' : 'at their rate limits'}`);
  if (info.setAside > 0) causes.push(`${info.setAside} set aside`);
  if (info.nextFreeInMs !== undefined) causes.push(`next free in ${formatDuration(info.nextFreeInMs, 'prose')}`);
  return `${info.keys} ${plural(info.keys, 'key')}: ${causes.join(', ')}`;
}
