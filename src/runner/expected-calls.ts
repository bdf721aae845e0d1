/** One model call a typical run of an item makes, for `--dry-run`'s projected cost. */
export interface ExpectedCall {
  /** `drafter`, `reviewer`, `implementer`. */
  role: string;
  provider: string;
  model: string;
  /** Characters of the prompt the call sends (system prompt and messages). */
  inputCharacters: number;
  /** Tokens the answer is expected to take. */
  outputTokens: number;
}

/** A workflow's projection of one item's calls, with what it assumed; or why it cannot make one. */
export type ExpectedCalls = { calls: ExpectedCall[]; assumes: string } | { unknown: string };
