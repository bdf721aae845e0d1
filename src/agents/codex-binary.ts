import { statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../core/errors.js';
import { agentCommand, type AgentPlacement, type AgentSandboxSettings } from './agent-sandbox.js';

export const CODEX_PACKAGE = '@openai/codex-sdk';

/** The Codex builds for Linux (bubblewrap is Linux-only), by Node's name for the processor. */
const LINUX_TRIPLES: Readonly<Record<string, string>> = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' };

/**
 * The Codex binary the SDK itself would start, found the same way (from the SDK's own dependencies),
 * and the folders the SDK would put before PATH for it (its bundled ripgrep).
 */
export function codexBinary(): { executable: string; pathDirectories: string[] } {
  const triple = LINUX_TRIPLES[process.arch];
  const platformPackage = `@openai/codex-linux-${process.arch}`;
  try {
    if (triple === undefined) throw new Error(`no Codex build for linux on ${process.arch}`);
    const fromSdk = createRequire(fileURLToPath(import.meta.resolve(CODEX_PACKAGE)));
    const fromCli = createRequire(fromSdk.resolve('@openai/codex/package.json'));
    const root = join(dirname(fromCli.resolve(`${platformPackage}/package.json`)), 'vendor', triple);
    // The current layout (bin/, codex-path/) and the one before it (codex/, path/).
    for (const [program, path] of [
      [join(root, 'bin', 'codex'), join(root, 'codex-path')],
      [join(root, 'codex', 'codex'), join(root, 'path')],
    ] as const) {
      if (statSync(program, { throwIfNoEntry: false })?.isFile()) {
        return { executable: program, pathDirectories: statSync(path, { throwIfNoEntry: false })?.isDirectory() ? [path] : [] };
      }
    }
    throw new Error(`no codex binary under ${root}`);
  } catch (error) {
    throw new ConfigurationError(
      `--implementer codex:… needs the Codex CLI binary (${platformPackage}, an optional dependency of @openai/codex): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * The SDK starts the program it is given with its own arguments and variables, so the sandbox goes
 * into a script in `folder`: bubblewrap around the real binary, keeping the environment the SDK chose.
 * Returns the script's path, for the SDK's `codexPathOverride`.
 */
export function writeSandboxedCodex(
  folder: string,
  executable: string,
  settings: AgentSandboxSettings,
  placement: Omit<AgentPlacement, 'env'>,
): string {
  const command = agentCommand(
    [executable],
    settings,
    { ...placement, env: {} },
    // The whole vendor folder: the binary and the tools it puts on PATH (its ripgrep).
    { nodePath: process.execPath, inheritEnvironment: true, programFolders: [dirname(dirname(executable))] },
  );
  const path = join(folder, 'codex');
  // Written synchronously on purpose: a file open for writing cannot be executed (ETXTBSY), and an
  // asynchronous write keeps it open across event-loop turns, where another item's spawn forks a child
  // that holds the descriptor until it execs. Forks happen on this thread, so none can fall inside a
  // synchronous write.
  writeFileSync(path, `#!/bin/sh\nexec ${[command.file, ...command.args].map(shellQuote).join(' ')} "$@"\n`, { mode: 0o700 });
  return path;
}

/** One word for sh: single-quoted, with each single quote closed, escaped and reopened. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
