import type { BlockedSummary, ItemPlanAction, ItemSummary, ModelCallRecord, RunSummary } from '../core/items.js';
import type { Redact } from '../core/redact.js';
import type { EmitEvent, PlannedItem, RunEvent } from './events.js';

/**
 * `emit` behind the run's redactor: every text of every event (item output, titles, stages, model-call
 * records, item results, warnings, the final summary) is redacted before any reporter sees it, so
 * nothing shown on the terminal, in a log file or in JSON output can hold a key. Ids and numbers
 * pass as they are (ids are validated and never hold a key).
 */
export function redactingEmitter(emit: EmitEvent, redact: Redact): EmitEvent {
  return (event) => emit(redactEvent(event, redact));
}

export function redactEvent(event: RunEvent, redact: Redact): RunEvent {
  switch (event.type) {
    case 'run-start':
      return { ...event, items: event.items.map((item) => redactPlannedItem(item, redact)) };
    case 'item-start':
      return { ...event, title: redact(event.title), action: redactAction(event.action, redact) };
    case 'item-stage':
      return { ...event, stage: redact(event.stage) };
    case 'item-output':
      return { ...event, text: redact(event.text) };
    case 'model-call':
      return { ...event, call: redactModelCall(event.call, redact) };
    case 'item-end':
      return { ...event, result: redactItemSummary(event.result, redact) };
    case 'run-warning':
      return { ...event, message: redact(event.message) };
    case 'run-interrupting':
      return event;
    case 'run-stopping':
      return { ...event, reason: redact(event.reason) };
    case 'run-end':
      return { ...event, summary: redactRunSummary(event.summary, redact) };
    case 'key-event':
      return { ...event, key: redact(event.key), ...(event.reason === undefined ? {} : { reason: redact(event.reason) }) };
  }
}

/** The run summary as it is saved and printed: every item's texts and the retry command redacted. */
export function redactRunSummary(summary: RunSummary, redact: Redact): RunSummary {
  return {
    ...summary,
    items: summary.items.map((item) => redactItemSummary(item, redact)),
    retryCommand: summary.retryCommand === null ? null : redact(summary.retryCommand),
    ...(summary.retryBlockedCommand === undefined
      ? {}
      : { retryBlockedCommand: summary.retryBlockedCommand === null ? null : redact(summary.retryBlockedCommand) }),
  };
}

export function redactItemSummary(item: ItemSummary, redact: Redact): ItemSummary {
  return {
    ...item,
    title: redact(item.title),
    stage: redact(item.stage),
    output: item.output === null ? null : redact(item.output),
    error: item.error === null ? null : redact(item.error),
    ...(item.blocked ? { blocked: redactBlocked(item.blocked, redact) } : {}),
  };
}

/** Questions and failing tests quote model answers and test output; commands hold paths. */
function redactBlocked(blocked: BlockedSummary, redact: Redact): BlockedSummary {
  const optional = (key: 'failingTests' | 'worktree' | 'continueCommand' | 'approveCommand') => {
    const value = blocked[key];
    return value === undefined ? {} : { [key]: redact(value) };
  };
  return {
    ...blocked,
    questions: blocked.questions.map(redact),
    blockingItems: blocked.blockingItems.map(redact),
    ...optional('failingTests'),
    ...optional('worktree'),
    ...optional('continueCommand'),
    ...optional('approveCommand'),
  };
}

function redactPlannedItem(item: PlannedItem, redact: Redact): PlannedItem {
  return { ...item, title: redact(item.title), action: redactAction(item.action, redact) };
}

function redactAction(action: ItemPlanAction, redact: Redact): ItemPlanAction {
  switch (action.kind) {
    case 'start':
      return action;
    case 'resume':
      return { ...action, stage: redact(action.stage) };
    case 'skip':
    case 'refuse':
      return { ...action, reason: redact(action.reason) };
  }
}

function redactModelCall(call: ModelCallRecord, redact: Redact): ModelCallRecord {
  return {
    ...call,
    provider: redact(call.provider),
    model: redact(call.model),
    ...(call.keyName === undefined ? {} : { keyName: redact(call.keyName) }),
    role: redact(call.role),
  };
}
