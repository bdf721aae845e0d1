import { z } from 'zod';
import type { ModelRegistry } from '../providers/resolve-model.js';

/**
 * The key pool's settings, part of every job's settings: the fleet's keys are shared, so every worker
 * uses the submitter's per-key cap, pacing and stall limit. Workers keep one registry per distinct value.
 */
export const poolSettingsSchema = z.object({
  perKeyConcurrency: z.number(),
  pacing: z.boolean(),
  stallTimeoutMs: z.number(),
  /** The submitter's config-file prices: the worker's calls are priced as the submitter's would be. */
  prices: z.record(z.string(), z.object({ inputPerMillion: z.number(), outputPerMillion: z.number() })).optional(),
});
export type PoolSettings = z.infer<typeof poolSettingsSchema>;

/** The worker's model registry for a job's pool settings (its own keys, the fleet's shared ledger). */
export type RegistryFor = (settings: PoolSettings) => ModelRegistry;
