import type { ModelClient } from '../src/model-call/model-client.js';
import type { ItemContext, Workflow } from '../src/runner/types.js';
import type { ItemOutcome, WorkItem } from '../src/core/items.js';

export interface SyntheticWorkflowOptions {
  itemCount: number;
  callsPerItem: number;
  model: ModelClient;
}

interface SyntheticState {
  call: number;
  lastReply: string;
}

/**
 * Items `1`…`N`, each making `callsPerItem` model calls one after another and committing a checkpoint
 * after each, as a real workflow does: resume state is the number of calls done.
 */
export class SyntheticWorkflow implements Workflow<WorkItem, SyntheticState> {
  readonly name = 'lld' as const;

  constructor(private readonly options: SyntheticWorkflowOptions) {}

  collectItems(request: { ids: string[] | undefined }): Promise<WorkItem[]> {
    const ids = request.ids ?? Array.from({ length: this.options.itemCount }, (_, index) => String(index + 1));
    return Promise.resolve(ids.map((id) => ({ id, title: `Synthetic item ${id}` })));
  }

  parseState(state: unknown): SyntheticState {
    const value = state as Partial<SyntheticState> | undefined;
    if (typeof value?.call !== 'number') throw new Error('not a synthetic item state');
    return { call: value.call, lastReply: String(value.lastReply ?? '') };
  }

  completedOutput(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  async runItem(item: WorkItem, context: ItemContext, resumeFrom: SyntheticState | undefined): Promise<ItemOutcome> {
    const { model, callsPerItem } = this.options;
    const done = resumeFrom?.call ?? 0;
    for (let call = done + 1; call <= callsPerItem; call++) {
      const stage = `call-${call}`;
      context.setStage(stage);
      const response = await model.complete(
        {
          role: 'drafter',
          trace: { itemId: item.id, step: stage },
          messages: [{ role: 'user', content: `Item ${item.id}, call ${call}.` }],
          signal: context.signal,
        },
        { log: (line) => context.log(line) },
      );
      context.recordModelCall({
        provider: response.provider,
        model: response.model,
        keyName: response.keyName,
        role: 'drafter',
        durationMs: response.durationMs,
        inputTokens: response.usage.inputTokens,
        outputTokens: response.usage.outputTokens,
        costUsd: response.costUsd,
      });
      const state: SyntheticState = { call, lastReply: response.text };
      await context.checkpoint.commit({ stage, state });
    }
    return { status: 'succeeded' };
  }
}
