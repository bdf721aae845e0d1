import type { ModelClient, ModelRequest, ModelResponse } from '../../model-call/model-client.js';
import type { ItemContext } from '../../runner/types.js';

/**
 * One model call of a workflow step: the client's own notes (rate limits, waits for a key) go to the
 * item's log, and the call is recorded for the summary, events and lineage. The answer arrives as the
 * client checked it (PooledModelClient: at most its size limit, configured keys masked), so the step
 * may parse, checkpoint and write it as it is.
 */
export async function callModel(context: ItemContext, client: ModelClient, request: Omit<ModelRequest, 'signal'>): Promise<ModelResponse> {
  const response = await client.complete({ ...request, signal: context.signal }, { log: (message) => context.log(message) });
  context.recordModelCall({
    provider: response.provider,
    model: response.model,
    ...(response.keyName ? { keyName: response.keyName } : {}),
    role: request.role,
    durationMs: response.durationMs,
    inputTokens: response.usage.inputTokens,
    outputTokens: response.usage.outputTokens,
    costUsd: response.costUsd,
  });
  return response;
}
