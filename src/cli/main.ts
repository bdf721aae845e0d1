#!/usr/bin/env node
import { systemClock } from '../clock/clock.js';
import { installInterruptHandlers } from './interrupt.js';
import { runCli } from './program.js';

// The only place that touches process.argv, signals and process.exit.
const controller = new AbortController();
installInterruptHandlers({ process, controller, exit: (code) => process.exit(code) });

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  clock: systemClock,
  signal: controller.signal,
});
// Exit explicitly once output is flushed: idle keep-alive sockets of HTTP clients must not hold the process open.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
