import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { WITHOUT_PROXY } from '../../src/providers/testing/without-proxy.js';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI_ENTRY = join(root, 'src', 'cli', 'main.ts');
/** By URL: `--import tsx` would resolve from the child's working directory, a temporary repository. */
const TSX_LOADER = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** The lldflow CLI running in a child process, as a user runs it; output collected as it arrives. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly watchers: Array<{ test: () => boolean; resolve: () => void }> = [];

  constructor(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }) {
    this.child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_ENTRY, ...args], {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...WITHOUT_PROXY,
        NO_COLOR: '1',
        FORCE_COLOR: '0',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.check();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.check();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves once the output satisfies `test` (checked on every chunk). */
  waitFor(test: (output: string) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const watcher = { test: () => test(this.stdout + this.stderr), resolve };
      if (watcher.test()) resolve();
      else this.watchers.push(watcher);
    });
  }

  private check(): void {
    for (const watcher of [...this.watchers]) {
      if (watcher.test()) {
        this.watchers.splice(this.watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
    }
  }
}

export function count(output: string, pattern: RegExp): number {
  return [...output.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))].length;
}
