import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import type { FakeServerConfig, ServedRequest, ServerCommand, ServerMessage } from './protocol.js';
import { RecordingResponder } from './responder.js';

// The fake model runs in its own process so its work (and its memory) is not charged to lldflow:
// a real model server is another machine, and this one has a second core for it.
const config = JSON.parse(process.argv[2] ?? '{}') as FakeServerConfig;
const responder = new RecordingResponder(config);
const server = await fakeOpenAIServer({ respond: responder.respond });

const send = (message: ServerMessage): void => void process.send?.(message);

process.on('message', (command: ServerCommand) => {
  switch (command.type) {
    case 'reset':
      server.requests.length = 0;
      responder.reset();
      send({ type: 'reset-done' });
      break;
    case 'report':
      send({ type: 'report', requests: servedRequests() });
      break;
    case 'close':
      void server.close().then(() => process.disconnect());
      break;
  }
});
send({ type: 'ready', baseUrl: server.baseUrl });

/** The responder's records joined with the server's own arrival records, in arrival order. */
function servedRequests(): ServedRequest[] {
  const served: ServedRequest[] = [];
  for (const { arrivalIndex, ...record } of responder.records) {
    const arrival = server.requests[arrivalIndex];
    if (!arrival || arrival.apiKey !== record.apiKey)
      throw new Error(`fake server: request ${arrivalIndex} has no matching arrival record`);
    served[arrivalIndex] = { ...record, receivedAt: arrival.receivedAt };
  }
  return served.filter((record) => record !== undefined);
}
