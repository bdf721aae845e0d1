import type { Redact } from '../core/redact.js';

/**
 * Anything shaped like a provider key (whole, or partly masked as `sk-proj-ab12****wxyz`), including
 * keys lldflow was not given (another account's key a proxy echoes, a key pasted into an issue).
 */
const KEY_SHAPED = /\b(?:sk-[A-Za-z0-9_*-]{6,}|AIza[0-9A-Za-z_*-]{10,})/g;

/**
 * The characters API keys are made of. A configured key is only replaced where it stands as a whole
 * token: not preceded or followed by one of these, so a key that happens to be part of a longer word
 * (`abcdefgh` inside `xabcdefghy`) is left alone instead of garbling it.
 */
const TOKEN_CHARACTER = '[A-Za-z0-9_-]';

/**
 * The run's one redactor, applied to text before it leaves the process. Keys appear in one form only,
 * `<provider>#<n>`:
 *
 * - every whole occurrence of a configured key value becomes its masked name (`openai#1`,
 *   `anthropic#2`): the key must not be glued to a letter, digit, `_` or `-` on either side (punctuation,
 *   spaces, quotes, `=`, `/` and the ends of the text are boundaries). Where a key is only part of a
 *   longer word the text is left as it is, so a value that is also a common string cannot garble every
 *   line; loadKeys refuses keys shorter than 8 characters, and holdsKnownSecret still finds a key glued
 *   into a word;
 * - anything else key-shaped becomes `<provider>#?`, the provider its prefix names: `sk-ant-…` →
 *   `anthropic#?`, any other `sk-…` → `openai#?`, `AIza…` → `google#?`. The `?` says it is not one
 *   of the configured keys.
 *
 * One pass: configured values are found first (longest first, so a key containing another is replaced
 * whole), and the key-shaped fallback only looks at the text between them, so nothing just inserted is
 * rewritten. `redact` is a bound function: pass `redactor.redact` where a `Redact` is expected
 * (`redactKnownSecrets` and `holdsKnownSecret` likewise).
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

  readonly redact: Redact = (text) => this.replaceKnown(text, maskKeyShaped);

  /**
   * Only the first rule: whole occurrences of configured keys become their names, and key-shaped text
   * that is no configured key stays. For model answers, which become documents and code: a made-up
   * `sk-test-…` fixture in them is content, not a secret (as for holdsKnownSecret). Bound, like `redact`.
   */
  readonly redactKnownSecrets: Redact = (text) => this.replaceKnown(text, (between) => between);

  /**
   * True when `text` holds one of the configured key values anywhere, also inside a longer word (a
   * guard is stricter than the redaction). The key-shaped fallback does not count: a test fixture's
   * made-up `sk-test-…` is not a secret. Bound, like `redact`.
   */
  readonly holdsKnownSecret = (text: string): boolean => {
    for (const value of this.names.keys()) {
      if (text.includes(value)) return true;
    }
    return false;
  };

  /** Configured keys → their names; `between` rewrites the text between them (never an inserted name). */
  private replaceKnown(text: string, between: (text: string) => string): string {
    if (this.names.size === 0) return between(text);
    let redacted = '';
    let from = 0;
    for (const match of text.matchAll(this.compiledPattern())) {
      redacted += between(text.slice(from, match.index)) + (this.names.get(match[0]) ?? match[0]);
      from = match.index + match[0].length;
    }
    return redacted + between(text.slice(from));
  }

  private compiledPattern(): RegExp {
    if (!this.pattern) {
      const alternatives = [...this.names.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(`(?<!${TOKEN_CHARACTER})(?:${alternatives.join('|')})(?!${TOKEN_CHARACTER})`, 'g');
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
