import type { ModelClient, ModelRequest, ModelResponse } from '../../src/model-call/model-client.js';

/** A model client that answers from a script, in-process: for step logic tests without HTTP. */
export class ScriptedModel implements ModelClient {
  readonly provider = 'scripted';
  readonly label: string;
  readonly prompts: string[] = [];

  constructor(
    readonly model: string,
    private readonly answer: (prompt: string, index: number) => string,
  ) {
    this.label = `scripted:${model}`;
  }

  complete(request: ModelRequest): Promise<ModelResponse> {
    const prompt = request.messages.at(-1)?.content ?? '';
    this.prompts.push(prompt);
    const text = this.answer(prompt, this.prompts.length - 1);
    return Promise.resolve({
      text,
      usage: { inputTokens: prompt.length / 4, outputTokens: text.length / 4 },
      model: this.model,
      provider: this.provider,
      keyName: undefined,
      costUsd: 0.001,
      durationMs: 1,
    });
  }
}
