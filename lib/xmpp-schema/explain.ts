import { CLIENT_STREAM_CONTEXT } from "../xml/parse-element";
import { parseWithPositions, type PositionedElement } from "../xml/parse-positions";
import { tooDeepNote, withHeaderClosed } from "../xml/walk-xml";
import type { TranscriptEntry } from "../xmpp/entry";
import { findAttribute, findElement, namespaceInfo, saslFailureCondition, stanzaErrorCondition, streamErrorCondition } from "./index";
import { inboundAttributeDoc, inboundTypeDoc } from "./inbound";
import { rfc6120 } from "./namespaces";
import { NS_CLIENT, NS_ROSTER, NS_SASL, NS_STANZA_ERRORS, NS_STREAM, NS_STREAM_ERRORS } from "../xml/namespaces";
import { STANZA_ERROR_TYPES } from "./stanza-errors";
import type { ConditionSpec } from "./types";

/**
 * Explains one transcript entry: what each element and attribute means, with the spec
 * that defines it, and for an error what went wrong and what to change. Headless and
 * text-only: whatever a server sent stays data, never markup.
 */

export interface AttributeExplanation {
  name: string;
  value: string;
  /** What the attribute means; null when the schema does not know it. */
  doc: string | null;
  /** What this particular value means, for attributes with a fixed list. */
  valueDoc: string | null;
}

export interface ElementExplanation {
  /** 0 for the top-level element. */
  depth: number;
  qname: string;
  ns: string;
  doc: string | null;
  spec: string | null;
  attributes: AttributeExplanation[];
  /** Text content, trimmed and shortened; null when there is none. */
  text: string | null;
  /** Attributes beyond the first few, left out. */
  omittedAttributes?: number;
}

export interface ErrorExplanation {
  kind: "stanza-error" | "stream-error" | "sasl-failure" | "not-well-formed";
  condition: string;
  meaning: string;
  fix: string;
  spec: string;
  /** Stanza errors: the type and what it asks of you. */
  type?: { value: string; doc: string };
  /** The human-readable <text> the sender added, if any. */
  text?: string;
}

export interface Explanation {
  summary: string;
  elements: ElementExplanation[];
  error: ErrorExplanation | null;
  /** Anything else worth knowing: a parse failure, elements left out. */
  notes: string[];
}

const MAX_ELEMENTS = 60;
/** Attributes explained per element: a tag with 10,000 of them would bury the panel. */
const MAX_ATTRIBUTES = 40;
const MAX_TEXT = 160;
/** Longer entries are summarised, not parsed: a megabyte stanza must not stall the panel. */
export const EXPLAIN_MAX_CHARS = 100_000;

export function explainEntry(entry: TranscriptEntry): Explanation {
  const notes: string[] = [];
  if (entry.kind === "status") return { summary: `A session event, not XML on the wire: ${entry.raw}`, elements: [], error: null, notes };
  if (entry.kind === "whitespace") {
    return { summary: "Whitespace between stanzas: a keepalive that shows the connection is alive (RFC 6120 section 4.6.1).", elements: [], error: null, notes };
  }
  if (entry.kind === "stream-close" && entry.ns !== "urn:ietf:params:xml:ns:xmpp-framing") {
    return { summary: `${entry.dir === "out" ? "You close" : "The server closes"} the stream: the XML document ends, and the TCP connection after it (RFC 6120 section 4.4).`, elements: [], error: null, notes };
  }
  if (entry.kind === "malformed" && entry.violation !== undefined && entry.violation !== "not-well-formed") {
    const condition = streamErrorCondition(entry.violation)!;
    const error: ErrorExplanation = { kind: "stream-error", condition: entry.violation, meaning: `${capitalize(entry.error ?? condition.meaning)}.`, fix: condition.fix, spec: condition.spec };
    const who = entry.dir === "out" ? "You send" : "The server sends";
    return { summary: `${who} something XMPP does not allow: a receiver closes the stream with <${entry.violation}/>.`, elements: [], error, notes };
  }
  if (entry.kind === "malformed") {
    const reason = entry.error ?? "the text is not well-formed XML";
    const condition = streamErrorCondition("not-well-formed")!;
    const error: ErrorExplanation = { kind: "not-well-formed", condition: "not-well-formed", meaning: `Not well-formed: ${reason}.`, fix: condition.fix, spec: condition.spec };
    return { summary: `This could not be read as XML. ${entry.dir === "out" ? "A server answers with <not-well-formed/> and closes the stream." : ""}`.trim(), elements: [], error, notes };
  }

  if (entry.raw.length > EXPLAIN_MAX_CHARS) {
    notes.push(`This entry is ${entry.raw.length.toLocaleString("en-US")} characters long; entries up to ${EXPLAIN_MAX_CHARS.toLocaleString("en-US")} characters are explained element by element.`);
    return { summary: summaryOf(entry, null), elements: [], error: null, notes };
  }
  const parsed = parseRaw(entry);
  if (parsed === null) {
    notes.push("The text could not be parsed, so only the summary is shown.");
    return { summary: summaryOf(entry, null), elements: [], error: null, notes };
  }
  const { elements, total } = explainElements(parsed.elements, entry.dir === "in");
  if (total > MAX_ELEMENTS) notes.push(`Only the first ${MAX_ELEMENTS} of ${total.toLocaleString("en-US")} elements are explained.`);
  if (parsed.tooDeep) notes.push(tooDeepNote());
  const root = parsed.elements[0] ?? null;
  return { summary: summaryOf(entry, root), elements, error: root ? errorOf(root) : null, notes };
}

function parseRaw(entry: TranscriptEntry): { elements: PositionedElement[]; tooDeep: boolean } | null {
  const parsed =
    entry.kind === "stream-open" && entry.ns !== "urn:ietf:params:xml:ns:xmpp-framing"
      ? parseWithPositions(withHeaderClosed(entry.raw), { namespaces: {}, fragment: false })
      : parseWithPositions(entry.raw, { namespaces: { ...CLIENT_STREAM_CONTEXT.prefixes, "": CLIENT_STREAM_CONTEXT.defaultNs } });
  return parsed.problems.length > 0 ? null : parsed;
}

/**
 * The first MAX_ELEMENTS elements in document order, and how many there are. Iterative, with
 * an explicit stack: the tree came from the wire (its depth is bounded by the parse, its
 * breadth is not).
 */
function explainElements(roots: readonly PositionedElement[], inbound: boolean): { elements: ElementExplanation[]; total: number } {
  const elements: ElementExplanation[] = [];
  let total = 0;
  const stack: { element: PositionedElement; depth: number }[] = [];
  for (let index = roots.length - 1; index >= 0; index--) stack.push({ element: roots[index]!, depth: 0 });
  while (stack.length > 0) {
    const { element, depth } = stack.pop()!;
    total++;
    if (elements.length < MAX_ELEMENTS) elements.push(explainElement(element, depth, inbound && depth === 0));
    for (let index = element.children.length - 1; index >= 0; index--) stack.push({ element: element.children[index]!, depth: depth + 1 });
  }
  return { elements, total };
}

/** `received`: the top-level element of an entry that arrived, explained to its recipient. */
function explainElement(element: PositionedElement, depth: number, received: boolean): ElementExplanation {
  const spec = findElement(element.name, element.ns);
  const text = element.text.trim();
  return {
    depth,
    qname: element.qname,
    ns: element.ns,
    doc: spec?.doc ?? (namespaceInfo(element.ns) ? `Not defined in ${element.ns} as far as this playground knows.` : null),
    spec: spec?.spec ?? namespaceInfo(element.ns)?.spec ?? null,
    attributes: element.attributes.slice(0, MAX_ATTRIBUTES).map((attribute) => {
      if (attribute.name === "xmlns" || attribute.name.startsWith("xmlns:")) {
        const info = namespaceInfo(attribute.value);
        return { name: attribute.name, value: attribute.value, doc: `Declares a namespace${info ? `: ${info.title}` : ""}.`, valueDoc: null };
      }
      const known = spec && findAttribute(spec, attribute.name);
      const valueDoc = known?.values?.find((option) => option.value === attribute.value)?.doc ?? null;
      return {
        name: attribute.name,
        value: shorten(attribute.value),
        doc: (received ? inboundAttributeDoc(element, attribute.name) : null) ?? known?.doc ?? null,
        valueDoc: (received && attribute.name === "type" ? inboundTypeDoc(element, attribute.value) : null) ?? valueDoc,
      };
    }),
    ...(element.attributes.length > MAX_ATTRIBUTES ? { omittedAttributes: element.attributes.length - MAX_ATTRIBUTES } : {}),
    text: text === "" ? null : shorten(text),
  };
}

function shorten(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function errorOf(root: PositionedElement): ErrorExplanation | null {
  if (root.ns === NS_CLIENT && root.attributes.some((attribute) => attribute.name === "type" && attribute.value === "error")) {
    const error = root.children.find((child) => child.name === "error" && child.ns === NS_CLIENT);
    if (!error) return null;
    const type = error.attributes.find((attribute) => attribute.name === "type")?.value;
    const typeDoc = STANZA_ERROR_TYPES.find((option) => option.value === type);
    return conditionIn(error, NS_STANZA_ERRORS, stanzaErrorCondition, "stanza-error", typeDoc ? { type: typeDoc } : {});
  }
  if (root.ns === NS_STREAM && root.name === "error") return conditionIn(root, NS_STREAM_ERRORS, streamErrorCondition, "stream-error", {});
  if (root.ns === NS_SASL && root.name === "failure") return conditionIn(root, NS_SASL, saslFailureCondition, "sasl-failure", {});
  return null;
}

function conditionIn(
  container: PositionedElement,
  ns: string,
  lookup: (name: string) => ConditionSpec | undefined,
  kind: ErrorExplanation["kind"],
  extra: { type?: { value: string; doc: string } },
): ErrorExplanation {
  const conditionElement = container.children.find((child) => child.ns === ns && child.name !== "text");
  const text = container.children.find((child) => child.ns === ns && child.name === "text")?.text.trim();
  const name = conditionElement?.name ?? "(none)";
  const condition = lookup(name);
  const fallback = { meaning: `The condition <${name}> is not one the spec defines; treat it as undefined-condition.`, fix: "Read the error's text, if any.", spec: kind === "stanza-error" ? rfc6120("8.3.3") : rfc6120("4.9.3") };
  return { kind, condition: name, ...(condition ?? fallback), ...extra, ...(text ? { text } : {}) };
}

function summaryOf(entry: TranscriptEntry, root: PositionedElement | null): string {
  const who = entry.dir === "out" ? "You send" : "The server sends";
  const type = entry.attrs?.type;
  const to = entry.attrs?.to ? ` to ${entry.attrs.to}` : "";
  const from = entry.attrs?.from ? ` from ${entry.attrs.from}` : "";
  switch (entry.kind) {
    case "stream-open":
      return entry.dir === "out" ? "You open the XML stream: everything after this is one document (RFC 6120 section 4.7)." : "The server opens its stream back to you (RFC 6120 section 4.7).";
    case "features":
      return "The server lists what can be negotiated next (RFC 6120 section 4.3.2).";
    case "message":
      return `${who} a message${type ? ` of type ${type}` : ""}${to}${from}.`;
    case "presence": {
      // A subscription request that arrives is the contact asking about your presence (RFC 6121 section 3.1.3).
      const meaning = entry.dir === "in" && type ? inboundTypeDoc({ name: "presence", ns: NS_CLIENT }, type) : null;
      return `${who} presence${type ? ` of type ${type}` : " (available)"}${to}${from}.${meaning ? ` ${meaning}` : ""}`;
    }
    case "iq":
    case "bind": {
      const payload = root?.children[0];
      const about = payload ? ` about <${payload.qname}>${namespaceInfo(payload.ns) ? ` (${namespaceInfo(payload.ns)!.title})` : ""}` : "";
      const answer = entry.pair !== undefined ? ` It answers #${entry.pair}.` : "";
      const id = entry.attrs?.id ?? "";
      // RFC 6121 section 2.1.6: the server tells each of your resources that the roster changed.
      if (entry.dir === "in" && type === "set" && payload?.name === "query" && payload.ns === NS_ROSTER) {
        return `The server sends a roster push (iq set, RFC 6121 section 2.1.6): your roster changed. Answer it with <iq type="result" id="${id}"/>.`;
      }
      if (entry.dir === "in" && (type === "get" || type === "set")) {
        return `${entry.attrs?.from ?? "The server"} sends you a request (iq ${type})${about}: answer it with a result or an error carrying id="${id}" (RFC 6120 section 8.2.3).`;
      }
      if (type === "get" || type === "set") return `${who} a request (iq ${type})${about}${to}; the answer will carry id="${id}".`;
      return `${who} ${type === "error" ? "an error" : "a result"} (iq ${type ?? "without a type"})${about}${from}.${answer}`;
    }
    case "stream-error":
      return "A stream error: fatal, the stream closes right after it (RFC 6120 section 4.9).";
    default: {
      const spec = root && findElement(root.name, root.ns);
      if (spec) return `${who} <${root.qname}>. ${spec.doc}`;
      return root ? `${who} <${root.qname}> in ${root.ns || "no namespace"}.` : `${who} ${entry.kind}.`;
    }
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
