import type { Expectation } from "../lessons/types";

/**
 * A stanza script (issue 14) once parsed and validated (parse.ts): accounts, then steps that
 * send XML and wait for expectations written in the lessons' check language (lib/lessons/check.ts).
 */

/** `fresh`: a disposable account registered in-band (XEP-0077) for the run; `given`: from the command line's flags or environment. */
export type AccountKind = "fresh" | "given";

/** Takes a value from the entry that met a named expectation of the same step. */
export interface Capture {
  /** The variable it defines for later steps: {{name}}. */
  name: string;
  /** The expectation's `name:` whose entry is read. */
  from: string;
  /** Slash-separated local names below the entry's top-level element (lib/lessons/xml-tree.ts); absent: the element itself. */
  path?: string;
  /** An attribute of that element; absent: its text, trimmed. */
  attr?: string;
}

export interface ScriptStep {
  /** `name:`, or "step N". */
  name: string;
  /** 1-based line of the step in the file. */
  line: number;
  /** XML to send, with {{variables}}; absent: the step only waits. */
  send?: string;
  expect: Expectation[];
  capture: Capture[];
  timeoutMs: number;
}

export interface Script {
  file: string;
  name: string;
  /** By the name scripts write: {{alice}}. This slice runs one account per script. */
  accounts: { name: string; kind: AccountKind }[];
  steps: ScriptStep[];
}
