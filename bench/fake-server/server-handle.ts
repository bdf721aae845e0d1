import { fork, type ChildProcess } from 'node:child_process';
import { benchEntry } from '../node-process.js';
import type { FakeServerConfig, ServedRequest, ServerCommand, ServerMessage } from './protocol.js';

/** The scenario's side of the fake OpenAI server running in its own process. */
export class FakeServerHandle {
  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {}

  static async start(config: FakeServerConfig): Promise<FakeServerHandle> {
    const entry = benchEntry(['fake-server', 'server-process']);
    const child = fork(entry.file, [JSON.stringify(config)], {
      execArgv: entry.execArgv,
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

  /** Ends the warm-up (see ServerCommand); resolves once the server has. */
  async startTimedRun(): Promise<void> {
    await this.ask({ type: 'start-timed-run' }, 'timed-run-started');
  }

  /** Every request answered since the timed run started, in the order the answers were written. */
  async report(): Promise<ServedRequest[]> {
    const message = await this.ask({ type: 'report' }, 'report');
    return message.type === 'report' ? message.requests : [];
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.command({ type: 'close' });
    await exited;
  }

  private command(command: ServerCommand): void {
    this.child.send(command);
  }

  /** Sends a command and waits for its answer; fails if the server process dies first. */
  private ask(command: ServerCommand, answer: ServerMessage['type']): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => {
        this.child.off('message', onMessage);
        reject(new Error(`fake server exited with code ${String(code)} before answering ${command.type}`));
      };
      const onMessage = (message: ServerMessage): void => {
        if (message.type !== answer) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(message);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.command(command);
    });
  }
}
