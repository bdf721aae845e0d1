import type { CliIo } from './cli-io.js';
import type { RawRunnerOptions } from './runner-options.js';

export interface ImplementFlags extends RawRunnerOptions {
  implementer?: string | undefined;
  testCommand?: string | undefined;
  base?: string | undefined;
  push: boolean;
  pr: boolean;
}

export async function runImplementCommand(_flags: ImplementFlags, io: CliIo): Promise<number> {
  io.stderr.write('lldflow implement: not available in this build yet\n');
  return Promise.resolve(2);
}
