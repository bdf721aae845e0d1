import { UsageError } from '../core/errors.js';
import { parseEngineUrl, type EngineUrl } from '../redis/engine-url.js';

// Apart from fleet-submit.ts: a local run reads the choice, and never loads BullMQ and Redis's client.

/**
 * The fleet to run `workflow` on, checked: `--engine`, else LLDFLOW_ENGINE; undefined runs locally.
 * What the fleet cannot run yet is refused when asked for with `--engine`, and runs locally with a
 * warning when only the variable names a fleet. `--detach` needs a fleet.
 */
export function fleetFor(
  workflow: string,
  flags: { engine?: string | undefined; detach?: boolean | undefined },
  env: Readonly<Record<string, string | undefined>>,
  warnings: string[],
): EngineUrl | undefined {
  let engine = engineOf(flags.engine, env);
  if (engine && workflow !== 'lld') {
    if (flags.engine !== undefined) {
      throw new UsageError(`--engine: the fleet runs requirements --type lld items; ${workflow} items run locally (drop --engine)`);
    }
    warnings.push(`LLDFLOW_ENGINE is set, but the fleet runs requirements --type lld items only: these ${workflow} items run here`);
    engine = undefined;
  }
  if (flags.detach && !engine) throw new UsageError('--detach enqueues items on a fleet: pass --engine redis://host:port too');
  return engine;
}

/** `--engine`, else LLDFLOW_ENGINE; undefined when neither names a fleet. */
export function engineOf(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): EngineUrl | undefined {
  if (flag !== undefined) return parseEngineUrl(flag, '--engine');
  const fromEnv = env.LLDFLOW_ENGINE?.trim();
  return fromEnv ? parseEngineUrl(fromEnv, 'LLDFLOW_ENGINE') : undefined;
}
