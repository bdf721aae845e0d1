import type { Queue } from 'bullmq';
import { fleetResultSchema, type FleetJob, type FleetResult } from './fleet-job.js';

/** One item of a repository as the fleet has it. */
export interface FleetItemStatus {
  workflow: string;
  id: string;
  title: string;
  /** BullMQ's state: waiting (queued), active (running), completed (ended, however it ended), failed. */
  state: string;
  /** The worker that runs or ran it. */
  worker: string | undefined;
  /** How it ended: the item's status (succeeded, blocked, failed, interrupted) and why. */
  result: string | undefined;
}

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'] as const;

/** Every job of one repository in the fleet's queues: queued, running (and where), finished. */
export async function fleetStatus(queues: ReadonlyArray<Queue<FleetJob, FleetResult>>, repositoryId: string): Promise<FleetItemStatus[]> {
  const rows: FleetItemStatus[] = [];
  for (const state of STATES) {
    const jobs = (await Promise.all(queues.map((queue) => queue.getJobs([state])))).flat();
    for (const job of jobs) {
      if (!job.id?.startsWith(`${repositoryId}.`)) continue;
      const result = state === 'completed' ? fleetResultSchema.safeParse(job.returnvalue) : undefined;
      const summary = result?.success ? result.data.summary : undefined;
      rows.push({
        workflow: job.data.workflow,
        id: job.data.item.id,
        title: job.data.item.title,
        state: state === 'prioritized' ? 'waiting' : state,
        worker: job.processedBy,
        result: summary
          ? `${summary.status}${summary.error ? `: ${summary.error}` : ''}`
          : state === 'failed'
            ? job.failedReason
            : undefined,
      });
    }
  }
  return rows;
}
