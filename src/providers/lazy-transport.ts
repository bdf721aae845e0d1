import type { CallObserver, ModelReply, ModelRequest, ProviderTransport } from '../model-call/model-client.js';

/**
 * A provider transport whose SDK is loaded on its first call. The SDKs are the heaviest modules
 * lldflow has (tens of MB each once loaded): a run that calls one provider, or none (status, dry
 * runs, replay), should not pay for the others.
 */
export class LazyTransport implements ProviderTransport {
  readonly needsKey = true;
  readonly streams = true;
  private loaded: Promise<ProviderTransport> | undefined;

  constructor(
    readonly provider: string,
    readonly model: string,
    private readonly load: () => Promise<ProviderTransport>,
  ) {}

  async call(request: ModelRequest, apiKey: string | undefined, signal: AbortSignal, observer?: CallObserver): Promise<ModelReply> {
    // A failed import is not kept: the next call tries again.
    this.loaded ??= this.load().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return (await this.loaded).call(request, apiKey, signal, observer);
  }
}
