import { ConfigurationError } from '../core/errors.js';

/**
 * An agent SDK is an optional peer dependency, loaded on first use and once: when it is not installed,
 * the error names the package to install instead of a module resolution failure.
 */
export class OptionalSdk<Sdk> {
  private loaded: Promise<Sdk> | undefined;

  constructor(
    private readonly packageName: string,
    private readonly provider: string,
    private readonly load: () => Promise<Sdk>,
  ) {}

  get(): Promise<Sdk> {
    this.loaded ??= this.load().catch((error: unknown) => {
      throw this.missing(error);
    });
    return this.loaded;
  }

  private missing(error: unknown): Error {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return error instanceof Error ? error : new Error(String(error));
    return new ConfigurationError(
      `--implementer ${this.provider}:… needs ${this.packageName}, which is not installed: run npm install ${this.packageName} (lldflow does not ship it)`,
    );
  }
}
