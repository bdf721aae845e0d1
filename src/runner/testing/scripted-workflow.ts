import type { ItemContext, Workflow } from '../types.js';
import type { ItemOutcome, WorkflowName, WorkItem } from '../../core/items.js';

/** What a scripted item does when run. */
export type ScriptedBehaviour =
  | { kind: 'succeed'; steps: number; stepMs: number }
  /** `stopsRun`: the error is one every other item would share (an unknown model), see core/errors stopsRun. */
  | { kind: 'throw'; afterMs: number; message: string; stopsRun?: boolean }
  /** Never settles and ignores its signal: a hung call. */
  | { kind: 'hang' }
  | { kind: 'block'; reason: string };

/**
 * A workflow whose items follow a script on the injected clock, committing a checkpoint per step
 * like a real workflow. Records what ran so tests can assert on concurrency and resumes.
 */
export class ScriptedWorkflow implements Workflow<WorkItem, { step: number }> {
  readonly started: string[] = [];
  readonly resumedFrom = new Map<string, number>();
  running = 0;
  maxRunning = 0;
  readonly completed = new Set<string>();

  constructor(
    private readonly behaviours: Map<string, ScriptedBehaviour>,
    readonly name: WorkflowName = 'lld',
  ) {}

  collectItems(request: { ids: string[] | undefined }): Promise<WorkItem[]> {
    const ids = request.ids ?? [...this.behaviours.keys()];
    return Promise.resolve(ids.map((id) => ({ id, title: `Item ${id}` })));
  }

  parseState(state: unknown): { step: number } {
    const step = (state as { step?: unknown } | undefined)?.step;
    if (typeof step !== 'number') throw new Error(`not a scripted state: ${JSON.stringify(state)}`);
    return { step };
  }

  completedOutput(item: WorkItem): Promise<string | undefined> {
    return Promise.resolve(this.completed.has(item.id) ? `out/${item.id}.md` : undefined);
  }

  async runItem(item: WorkItem, context: ItemContext, resumeFrom: { step: number } | undefined): Promise<ItemOutcome> {
    const behaviour = this.behaviours.get(item.id);
    if (!behaviour) throw new Error(`no script for ${item.id}`);
    this.started.push(item.id);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await this.perform(behaviour, item, context, resumeFrom);
    } finally {
      this.running -= 1;
    }
  }

  private async perform(
    behaviour: ScriptedBehaviour,
    item: WorkItem,
    context: ItemContext,
    resumeFrom: { step: number } | undefined,
  ): Promise<ItemOutcome> {
    switch (behaviour.kind) {
      case 'hang':
        context.setStage('hanging');
        return new Promise<ItemOutcome>(() => undefined);
      case 'throw':
        await context.clock.sleep(behaviour.afterMs, context.signal);
        throw Object.assign(new Error(behaviour.message), behaviour.stopsRun ? { stopsRun: true } : {});
      case 'block':
        return { status: 'blocked', reason: behaviour.reason };
      case 'succeed': {
        const resumed = resumeFrom?.step ?? 0;
        if (resumeFrom) this.resumedFrom.set(item.id, resumed);
        for (let step = resumed + 1; step <= behaviour.steps; step++) {
          context.setStage(`step-${step}`);
          context.log(`working on step ${step}`);
          await context.clock.sleep(behaviour.stepMs, context.signal);
          context.recordModelCall({
            provider: 'fake',
            model: 'm',
            role: 'drafter',
            durationMs: behaviour.stepMs,
            inputTokens: 10,
            outputTokens: 20,
            costUsd: 0.01,
          });
          await context.checkpoint.commit({ stage: `step-${step}`, state: { step } });
        }
        this.completed.add(item.id);
        return { status: 'succeeded', output: `out/${item.id}.md` };
      }
    }
  }
}
