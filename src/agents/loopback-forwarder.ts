/**
 * Inside a sandbox without a network, a coding agent still needs one way out: to lldflow's key-leasing
 * proxy. The proxy listens on a Unix socket whose folder is mounted into the sandbox; this small
 * program, run with `node -e` as the sandbox's command, listens on the sandbox's own loopback (which
 * nothing outside can reach), forwards each connection to that socket, and runs the agent as its child.
 * Plain JavaScript as text: it runs in the sandbox under the user's Node, not from lldflow's build.
 */
const FORWARDER_SOURCE = `
const net = require('node:net');
const { spawn } = require('node:child_process');
const { constants } = require('node:os');
const [socketPath, port, separator, command, ...args] = process.argv.slice(1);
if (separator !== '--' || !command) { console.error('lldflow forwarder: usage: <socket> <port> -- <command> [args]'); process.exit(2); }
const server = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  const end = () => { client.destroy(); upstream.destroy(); };
  client.pipe(upstream);
  upstream.pipe(client);
  client.on('error', end);
  upstream.on('error', end);
  client.on('close', end);
  upstream.on('close', end);
});
server.on('error', (error) => { console.error('lldflow forwarder: ' + error.message); process.exit(70); });
server.listen(Number(port), '127.0.0.1', () => {
  const child = spawn(command, args, { stdio: 'inherit' });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => { console.error('lldflow forwarder: ' + command + ': ' + error.message); process.exit(127); });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
});
`;

/** The sandbox's own loopback port the agent is pointed at: its network namespace is private, so any port is free. */
export const FORWARDER_PORT = 41_434;

/** `node -e <forwarder> <socket> <port> -- <argv…>`: runs `argv` with the forwarder listening. */
export function forwarderArgv(nodePath: string, socketPath: string, argv: readonly string[]): string[] {
  return [nodePath, '-e', FORWARDER_SOURCE, socketPath, String(FORWARDER_PORT), '--', ...argv];
}
