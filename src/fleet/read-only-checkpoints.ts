import type { CheckpointStore, CheckpointStoreFactory } from '../checkpoints/store.js';

/**
 * The fleet's checkpoints as a submitter sees them: it plans from them (start, resume), but only the
 * worker holding an item writes its checkpoint (fenced by the job's lock). Writes here do nothing.
 */
export function readOnlyCheckpoints(factory: CheckpointStoreFactory): CheckpointStoreFactory {
  return {
    open: async (workflow, itemId) => readOnly(await factory.open(workflow, itemId)),
    peek: (workflow, itemId) => factory.peek(workflow, itemId),
    inspect: (workflow, itemId) => factory.inspect(workflow, itemId),
    list: (workflow) => factory.list(workflow),
    listSetAside: () => factory.listSetAside(),
  };
}

function readOnly(store: CheckpointStore): CheckpointStore {
  return {
    load: () => store.load(),
    commit: () => Promise.resolve(),
    setStatus: () => Promise.resolve(),
    remove: () => Promise.resolve(),
    setAside: () => Promise.resolve(undefined),
    close: () => store.close(),
  };
}
