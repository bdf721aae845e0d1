import { resolveSandbox, type Sandbox } from '../sandbox.js';

let chosen: Sandbox | undefined;

/**
 * The sandbox tests run model-written code in: bubblewrap where it works (CI installs it, so the
 * implement tests run sandboxed there), else none, so a machine without it still runs them.
 */
export function testSandbox(): Sandbox {
  if (!chosen) {
    try {
      chosen = resolveSandbox('bwrap', { env: process.env });
    } catch {
      chosen = resolveSandbox('none', { env: process.env });
    }
  }
  return chosen;
}
