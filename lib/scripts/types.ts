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
  /** The account whose session sends (`as:`; the script's first account by default). */
  as: string;
  /** What the expectations are evaluated on: each stream since this step began, or since its session opened (the negotiation). */
  window: "step" | "session";
  /** XML to send, with {{variables}}; absent: the step only waits. */
  send?: string;
  expect: Expectation[];
  /** Per expectation, the account whose stream it is evaluated on (`on:`; the sender's by default). */
  on: string[];
  capture: Capture[];
  timeoutMs: number;
}

/**
 * Something the server must offer for the script to mean anything; when it does not, the
 * script is "not offered" rather than failed. Found once per run (lib/scripts/offers.ts).
 */
export type Requirement =
  /** A feature var of the server's own disco#info (XEP-0030 §3.1). */
  | { feature: string }
  /** A feature var of the account's own bare JID, where PEP and MAM are announced (XEP-0163; XEP-0313, "Determining support"). */
  | { account: string }
  /** An item of the server's disco#items whose disco#info lists this var (XEP-0030 §4); its JID becomes {{as}}. */
  | { service: string; as: string }
  /** A child of <stream:features/> in this namespace (RFC 6120 §4.3.2). */
  | { stream: string };

export interface Script {
  file: string;
  name: string;
  /** By the name scripts write: {{alice}}, {{bob}}; the first is the default sender. */
  accounts: { name: string; kind: AccountKind }[];
  requires: Requirement[];
  steps: ScriptStep[];
}
