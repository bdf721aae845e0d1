import { fakeOpenAIServer } from '../../src/providers/testing/fake-openai-server.js';
import type { FakeHttpServer, FakeReply, FakeRequest } from '../../src/providers/testing/fake-http-server.js';
import type { CorpusCase } from './cases.js';

export const DRAFTER_MODEL = 'replay-drafter';
export const REVIEWER_MODEL = 'replay-reviewer';

/** What one case's items were served, in order. */
export interface ServedCase {
  /** `draft-2`, `verdict-1`, …; `draft-4 again` when the recording had run out. */
  answers: string[];
  draftsServed: number;
  verdictsServed: number;
  /** Answers given after the recording ran out (the last one repeated). */
  beyondRecording: number;
}

interface Cursor {
  recorded: CorpusCase;
  served: ServedCase;
  drafts: number;
  verdicts: number;
}

/**
 * A local OpenAI-compatible server that replays recorded runs: a drafter request for an item gets
 * the case's next recorded draft, a reviewer request its next recorded verdict, in order. An answer
 * counts as given only once it was delivered (a request the client abandoned gets it again). When the
 * recording has run out, the last answer is repeated: a model with nothing new to say.
 */
export class ReplayServer {
  private readonly cursors = new Map<string, Cursor>();
  private server: FakeHttpServer | undefined;

  constructor(cases: readonly CorpusCase[]) {
    for (const recorded of cases) {
      this.cursors.set(recorded.itemId, {
        recorded,
        drafts: 0,
        verdicts: 0,
        served: { answers: [], draftsServed: 0, verdictsServed: 0, beyondRecording: 0 },
      });
    }
  }

  async start(): Promise<this> {
    this.server = await fakeOpenAIServer({ respond: (request) => this.respond(request) });
    return this;
  }

  get baseUrl(): string {
    if (!this.server) throw new Error('the replay server is not started');
    return this.server.baseUrl;
  }

  served(itemId: string): ServedCase | undefined {
    return this.cursors.get(itemId)?.served;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private respond(request: FakeRequest): FakeReply {
    const body = request.body as { model?: string; messages?: Array<{ role?: string; content?: unknown }> };
    const itemId = itemOf(body.messages ?? []);
    const cursor = itemId === undefined ? undefined : this.cursors.get(itemId);
    if (!cursor) return { status: 400, message: `replay: no recorded case for the item in this request (${itemId ?? 'no item line'})` };
    const role = body.model === REVIEWER_MODEL ? 'verdict' : 'draft';
    const answers = role === 'draft' ? cursor.recorded.drafts : cursor.recorded.verdicts;
    const position = role === 'draft' ? cursor.drafts : cursor.verdicts;
    const index = Math.min(position, answers.length - 1);
    const text = answers[index];
    if (text === undefined) return { status: 400, message: `replay: case ${cursor.recorded.name} has no recorded ${role}` };
    const beyond = position >= answers.length;
    const requestIndex = (this.server?.requests.length ?? 1) - 1;
    void this.server?.waitForOutcome(requestIndex).then((outcome) => {
      if (outcome !== 'answered') return;
      if (role === 'draft') cursor.drafts += 1;
      else cursor.verdicts += 1;
      cursor.served.answers.push(`${role}-${index + 1}${beyond ? ' again' : ''}`);
      if (beyond) cursor.served.beyondRecording += 1;
      else if (role === 'draft') cursor.served.draftsServed += 1;
      else cursor.served.verdictsServed += 1;
    });
    return { text };
  }
}

/** The item a request is about: every lldflow drafter and reviewer prompt opens with "… issue <id>: <title>". */
function itemOf(messages: ReadonlyArray<{ role?: string; content?: unknown }>): string | undefined {
  const first = messages.find((message) => message.role === 'user');
  const text = typeof first?.content === 'string' ? first.content : '';
  return /\bissue ([A-Za-z0-9_][A-Za-z0-9_-]*): /.exec(text.split('\n', 1)[0] ?? '')?.[1];
}
