/**
 * What the schema check and the editor report about a piece of text, each placed on the
 * text it is about and saying what to do.
 */

export type Severity = "error" | "warning" | "info";

/** `offset` and `length` index the validated text (UTF-16 code units, like JavaScript strings). */
export interface Diagnostic {
  message: string;
  severity: Severity;
  offset: number;
  length: number;
  /** A stable name for the rule, for tests and for filtering. */
  code: string;
}

/** Diagnostics reported at most: 100,000 siblings must not become 100,000 markers (nor take seconds to word). */
export const MAX_DIAGNOSTICS = 200;
