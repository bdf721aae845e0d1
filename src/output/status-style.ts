import type picocolors from 'picocolors';
import type { ItemStatus } from '../core/items.js';

export type Colors = ReturnType<typeof picocolors.createColors>;

/** Where the live progress line counts an item that ended with a status. */
export type ProgressGroup = 'done' | 'failed' | 'blocked' | 'stopped';

interface StatusStyle {
  color: 'green' | 'dim' | 'red' | 'yellow';
  progress: ProgressGroup;
  /** A human has to look at it: listed by id under the summary table, with its error. */
  needsAttention: boolean;
}

/** How every reporter shows each status; the order is the order totals are listed in. */
const STATUS_STYLES: Readonly<Record<ItemStatus, StatusStyle>> = {
  succeeded: { color: 'green', progress: 'done', needsAttention: false },
  skipped: { color: 'dim', progress: 'done', needsAttention: false },
  failed: { color: 'red', progress: 'failed', needsAttention: true },
  // A source file that cannot be an item: a human must rename or fix it.
  invalid: { color: 'red', progress: 'failed', needsAttention: true },
  // Blocked items wait for a human, which is not a failure.
  blocked: { color: 'yellow', progress: 'blocked', needsAttention: true },
  interrupted: { color: 'yellow', progress: 'stopped', needsAttention: true },
  cancelled: { color: 'yellow', progress: 'stopped', needsAttention: true },
};

/** Every status, in the order totals list them. */
export const STATUS_ORDER = Object.keys(STATUS_STYLES) as ItemStatus[];

/** The statuses a human has to look at, in `STATUS_ORDER`. */
export const ATTENTION_STATUSES: readonly ItemStatus[] = STATUS_ORDER.filter((status) => STATUS_STYLES[status].needsAttention);

/** Paints text in the colour of `status` (a no-op when `colors` has colour turned off). */
export function statusColor(status: ItemStatus, colors: Colors): (text: string) => string {
  return colors[STATUS_STYLES[status].color];
}

/** The status word in its colour. */
export function styledStatus(status: ItemStatus, colors: Colors): string {
  return statusColor(status, colors)(status);
}

export function progressGroup(status: ItemStatus): ProgressGroup {
  return STATUS_STYLES[status].progress;
}
