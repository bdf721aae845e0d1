import { fork, type ChildProcess } from 'node:child_process';
import { benchFile, typescriptExecArgv } from '../node-process.js';
import type { FakeServerConfig, ServedRequest, ServerCommand, ServerMessage } from './protocol.js';

/** The scenario's side of the fake OpenAI server running in its own process. */
export class FakeServerHandle {
  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {}

  static async start(config: FakeServerConfig): Promise<FakeServerHandle> {
    const child = fork(benchFile('fake-server', 'server-process.ts'), [JSON.stringify(config)], {
      execArgv: typescriptExecArgv(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const baseUrl = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`fake server exited with code ${String(code)} before it was ready`)));
      child.once('message', (message: ServerMessage) => {
        if (message.type === 'ready') resolve(message.baseUrl);
        else reject(new Error(`fake server: unexpected first message ${message.type}`));
      });
    });
    child.removeAllListeners('exit');
    return new FakeServerHandle(child, baseUrl);
  }

  /** Forgets everything served so far (the warm-up's requests). */
  reset(): void {
    this.command({ type: 'reset' });
  }

  /** Every request served since the last reset, in arrival order. */
  report(): Promise<ServedRequest[]> {
    return new Promise((resolve) => {
      const onMessage = (message: ServerMessage): void => {
        if (message.type !== 'report') return;
        this.child.off('message', onMessage);
        resolve(message.requests);
      };
      this.child.on('message', onMessage);
      this.command({ type: 'report' });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.command({ type: 'close' });
    await exited;
  }

  private command(command: ServerCommand): void {
    this.child.send(command);
  }
}
