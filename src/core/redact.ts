/**
 * Removes secrets from text about to leave the process (shown, logged or stored). The run has one,
 * built from its configured keys (SecretRedactor in src/keys/redact.ts); layers below keys get it as
 * this function.
 */
export type Redact = (text: string) => string;

/** Redaction for runs and tests that have no secrets. */
export const noRedaction: Redact = (text) => text;
