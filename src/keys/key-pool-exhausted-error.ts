/** No key of a provider became free within the pool's longest wait. Names counts, never key values. */
export class KeyPoolExhaustedError extends Error {
  override readonly name = 'KeyPoolExhaustedError';

  constructor(
    readonly provider: string,
    readonly keys: number,
    readonly busy: number,
    readonly cooling: number,
    readonly waitedMs: number,
  ) {
    super(
      `no ${provider} API key became free after waiting ${waitedMs} ms ` +
        `(${keys} ${keys === 1 ? 'key' : 'keys'}: ${busy} busy, ${cooling} cooling down after rate limits)`,
    );
  }
}
