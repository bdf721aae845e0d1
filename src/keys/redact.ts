/**
 * Replaces API key values with their masked names (`openai#1`) in text about to be shown or stored,
 * such as an error message that echoes the request. Every value is replaced, however short.
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

  redact(text: string): string {
    if (this.names.size === 0) return text;
    return text.replace(this.compiledPattern(), (match) => this.names.get(match) ?? match);
  }

  /**
   * One pass over the text with the longest values first, so a key that contains another key is
   * replaced whole and a name just inserted is never rewritten.
   */
  private compiledPattern(): RegExp {
    if (!this.pattern) {
      const alternatives = [...this.names.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(alternatives.join('|'), 'g');
    }
    return this.pattern;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
