import type { FleetJob } from '../fleet/fleet-job.js';
import type { JobWorkflow } from '../fleet/fleet-worker.js';
import { issueJobWorkflow } from './fleet-issue.js';
import { lldJobWorkflow } from './fleet-lld.js';
import type { RegistryFor } from './fleet-pool-settings.js';
import { implementJobWorkflow, type WorkerClone } from './fleet-implement.js';
import type { Clock } from '../clock/clock.js';

/** What a worker brings to every job: its model registries (its own keys), and its clone when it has one. */
export interface WorkerEquipment {
  registryFor: RegistryFor;
  clone: WorkerClone | undefined;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
}

/** On a worker: the workflow of one job, whatever the workflow, built in the job's scratch folder. */
export function jobWorkflowFor(job: FleetJob, scratch: string, equipment: WorkerEquipment): Promise<JobWorkflow> {
  switch (job.workflow) {
    case 'lld':
      return Promise.resolve(lldJobWorkflow(job, scratch, equipment.registryFor));
    case 'issue':
      return Promise.resolve(issueJobWorkflow(job, scratch, equipment.registryFor));
    case 'implement':
      return implementJobWorkflow(job, scratch, equipment);
  }
}
