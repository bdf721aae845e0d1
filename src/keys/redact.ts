import type { Redact } from '../core/redact.js';

/**
 * Anything shaped like a provider key (whole, or partly masked as `sk-proj-ab12****wxyz`), including
 * keys lldflow was not given (another account's key a proxy echoes, a key pasted into an issue).
 */
const KEY_SHAPED = /\b(?:sk-[A-Za-z0-9_*-]{6,}|AIza[0-9A-Za-z_*-]{10,})/g;

/**
 * The run's one redactor, applied to text before it leaves the process. Keys appear in one form only,
 * `<provider>#<n>`:
 *
 * - every configured key value becomes its masked name (`openai#1`, `anthropic#2`), however short;
 * - anything else key-shaped becomes `<provider>#?`, the provider its prefix names: `sk-ant-…` →
 *   `anthropic#?`, any other `sk-…` → `openai#?`, `AIza…` → `google#?`. The `?` says it is not one
 *   of the configured keys.
 *
 * One pass: configured values are found first (longest first, so a key containing another is replaced
 * whole), and the key-shaped fallback only looks at the text between them, so nothing just inserted is
 * rewritten. `redact` is a bound function: pass `redactor.redact` where a `Redact` is expected
 * (`holdsKnownSecret` likewise).
 */
export class SecretRedactor {
  private readonly names = new Map<string, string>();
  private pattern: RegExp | undefined;

  constructor(secrets: Iterable<{ value: string; name: string }> = []) {
    for (const secret of secrets) this.add(secret.value, secret.name);
  }

  add(value: string, name: string): void {
    if (value === '') return;
    this.names.set(value, name);
    this.pattern = undefined;
  }

  readonly redact: Redact = (text) => {
    if (this.names.size === 0) return maskKeyShaped(text);
    let redacted = '';
    let from = 0;
    for (const match of text.matchAll(this.compiledPattern())) {
      redacted += maskKeyShaped(text.slice(from, match.index)) + (this.names.get(match[0]) ?? match[0]);
      from = match.index + match[0].length;
    }
    return redacted + maskKeyShaped(text.slice(from));
  };

  /**
   * True when `text` holds one of the configured key values. The key-shaped fallback does not count:
   * a test fixture's made-up `sk-test-…` is not a secret. Bound, like `redact`.
   */
  readonly holdsKnownSecret = (text: string): boolean => {
    for (const value of this.names.keys()) {
      if (text.includes(value)) return true;
    }
    return false;
  };

  private compiledPattern(): RegExp {
    if (!this.pattern) {
      const alternatives = [...this.names.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(alternatives.join('|'), 'g');
    }
    return this.pattern;
  }
}

function maskKeyShaped(text: string): string {
  return text.replace(KEY_SHAPED, (key) => `${providerOf(key)}#?`);
}

function providerOf(keyShaped: string): string {
  if (keyShaped.startsWith('AIza')) return 'google';
  return keyShaped.startsWith('sk-ant-') ? 'anthropic' : 'openai';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
