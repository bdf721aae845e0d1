import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/** A child process that ran `script` (an ES module body, under tsx) and printed `ready`; kill it to end it. */
export interface ChildHolder {
  child: ChildProcess;
  /** What the script printed after `ready`, line by line. */
  lines: string[];
  /** Sends SIGKILL and resolves once the child is gone: the OS has released whatever it held. */
  kill(): Promise<void>;
}

/**
 * Runs `script` in another Node process (TypeScript modules can be imported by absolute path) and
 * resolves once it printed the line `ready`: for tests of locks the OS must release when a process dies.
 */
export function startChildHolder(script: string, args: string[] = []): Promise<ChildHolder> {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script, '--', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    let ready = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (ready) lines.push(line);
      else if (line === 'ready') {
        ready = true;
        resolve({
          child,
          lines,
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
      } else lines.push(line);
    });
    child.once('exit', (code) => {
      if (!ready) reject(new Error(`child holder exited (${String(code)}) before it was ready: ${lines.join('\n')}${stderr}`));
    });
  });
}
