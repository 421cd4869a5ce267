/**
 * The shape of the curated XMPP schema: plain data, no behaviour, so the editor (in the
 * browser) and the validator and explainer (headless) read the same facts.
 */

/** An element identified the way XML namespaces do: local name plus namespace URI. */
export interface ElementRef {
  name: string;
  ns: string;
}

/** One allowed value of an attribute or of an element's text, with what it means. */
export interface ValueSpec {
  value: string;
  doc: string;
}

export interface AttributeSpec {
  name: string;
  doc: string;
  /** The complete list of allowed values; absent when the value is free. */
  values?: readonly ValueSpec[];
  /** Values that need a check of their own: a JID must parse (RFC 7622). */
  kind?: "jid";
  /** Missing it makes the element invalid. */
  required?: boolean;
}

export type ContentSpec =
  /** Nothing inside: `<ping/>`. */
  | { kind: "empty" }
  /** Character data only, optionally restricted to a list or an integer range. */
  | { kind: "text"; values?: readonly ValueSpec[]; integer?: { min: number; max: number } }
  /** Child elements (and whitespace between them). */
  | { kind: "elements" }
  /** Either: a SASL element carries base64 text; some elements carry text or children. */
  | { kind: "any" };

export interface ElementSpec {
  name: string;
  ns: string;
  /** Where the element may stand. `STREAM_LEVEL` means: directly in the stream. */
  parents: readonly ElementRef[];
  attributes: readonly AttributeSpec[];
  content: ContentSpec;
  /** One or two sentences a learner can act on. */
  doc: string;
  /** The section of the RFC or XEP that defines it. */
  spec: string;
}

export interface NamespaceSpec {
  uri: string;
  /** What the namespace is for, in a few words. */
  title: string;
  spec: string;
}

/** RFC 6120 section 8.3.2: what the receiver of a stanza error should do next. */
export type StanzaErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";

/** A defined error condition: a stanza error, a stream error or a SASL failure. */
export interface ConditionSpec {
  name: string;
  /** What the condition says went wrong. */
  meaning: string;
  /** What to change before trying again. */
  fix: string;
  spec: string;
  /** Stanza errors only: the type the RFC's own example pairs it with. */
  typicalType?: StanzaErrorType;
}
