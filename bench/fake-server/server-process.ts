import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import type { FakeServerConfig, ServerCommand, ServerMessage } from './protocol.js';
import { RecordingResponder } from './responder.js';

// The fake model runs in its own process so its work (and its memory) is not charged to lldflow:
// a real model server is another machine, and this one has a second core for it.
const config = JSON.parse(process.argv[2] ?? '{}') as FakeServerConfig;
const responder = new RecordingResponder(config);
const server = await fakeOpenAIServer({ respond: responder.respond });

const send = (message: ServerMessage): void => void process.send?.(message);

process.on('message', (command: ServerCommand) => {
  switch (command.type) {
    case 'start-timed-run':
      // The server's own arrival records are not read; dropping them keeps its memory flat.
      server.requests.length = 0;
      responder.startTimedRun();
      send({ type: 'timed-run-started' });
      break;
    case 'report':
      send({ type: 'report', requests: responder.records });
      break;
    case 'close':
      void server.close().then(() => process.disconnect());
      break;
  }
});
send({ type: 'ready', baseUrl: server.baseUrl });
