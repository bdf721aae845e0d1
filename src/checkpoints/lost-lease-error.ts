import type { WorkflowName } from '../core/items.js';

/**
 * A fleet worker wrote to an item it no longer holds: its job lock expired or another worker took the
 * job. Nothing was written; the worker must stop working on the item (the new holder carries on).
 */
export class LostLeaseError extends Error {
  override readonly name = 'LostLeaseError';

  constructor(
    readonly workflow: WorkflowName,
    readonly itemId: string,
    readonly lockKey: string,
  ) {
    super(
      `lost the lease on ${workflow} item ${itemId} to another worker (its job lock ${lockKey} no longer holds this worker's token): nothing was written`,
    );
  }
}
