import { UsageError } from '../core/errors.js';
import { parseEngineUrl, type EngineUrl } from '../redis/engine-url.js';

// Apart from fleet-submit.ts: a local run reads the choice, and never loads BullMQ and Redis's client.

/** The fleet to run on, checked: `--engine`, else LLDFLOW_ENGINE; undefined runs locally. `--detach` needs a fleet. */
export function fleetFor(
  flags: { engine?: string | undefined; detach?: boolean | undefined; continue?: boolean | undefined; restart?: boolean | undefined },
  env: Readonly<Record<string, string | undefined>>,
): EngineUrl | undefined {
  const engine = engineOf(flags.engine, env);
  if (flags.detach && !engine) throw new UsageError('--detach enqueues items on a fleet: pass --engine redis://host:port too');
  // A fleet's workers resume items from the checkpoints in Redis as they find them: they take neither flag.
  if (engine && (flags.continue || flags.restart)) {
    throw new UsageError(
      `${flags.continue ? '--continue' : '--restart'} runs items on this machine only: leave out --engine (and LLDFLOW_ENGINE)`,
    );
  }
  return engine;
}

/** `--engine`, else LLDFLOW_ENGINE; undefined when neither names a fleet. */
export function engineOf(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): EngineUrl | undefined {
  if (flag !== undefined) return parseEngineUrl(flag, '--engine');
  const fromEnv = env.LLDFLOW_ENGINE?.trim();
  return fromEnv ? parseEngineUrl(fromEnv, 'LLDFLOW_ENGINE') : undefined;
}
