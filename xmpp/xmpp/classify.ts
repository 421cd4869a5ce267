import { NS_STREAM, type ElementOutline } from "../xml/parse-element";
import type { EntryAttrs, EntryKind } from "./entry";

export const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
export const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
export const NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";
export const NS_STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";
export const NS_STANZA_ERRORS = "urn:ietf:params:xml:ns:xmpp-stanzas";
/** XMPP over WebSocket wraps stream open and close in elements of their own (RFC 7395 section 3.3). */
export const NS_FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
const STANZA_NAMESPACES = new Set(["jabber:client", "jabber:server", "jabber:component:accept"]);
const SM_NAMESPACES = new Set(["urn:xmpp:sm:3", "urn:xmpp:sm:2"]);

export interface Classification {
  kind: EntryKind;
  name: string;
  ns: string;
  attrs?: EntryAttrs;
  /** The defined condition of a stream error or of an error stanza. */
  error?: string;
}

/** Names what a parsed top-level element is, the way the lanes group them. */
export function classify(element: ElementOutline): Classification {
  const { name, ns } = element;
  const base = { name, ns };
  if (ns === NS_FRAMING) {
    if (name === "open") return { ...base, kind: "stream-open", attrs: addressing(element) };
    if (name === "close") return { ...base, kind: "stream-close" };
  }
  if (ns === NS_STREAM) {
    if (name === "features") return { ...base, kind: "features" };
    // RFC 6120 section 4.9.3: the condition is the child in the xmpp-streams namespace.
    if (name === "error") return { ...base, kind: "stream-error", error: conditionIn(element, NS_STREAM_ERRORS) };
    if (name === "stream") return { ...base, kind: "stream-open", attrs: addressing(element) };
  }
  if (ns === NS_TLS) return { ...base, kind: "tls" };
  if (ns === NS_SASL) return { ...base, kind: "sasl", error: name === "failure" ? element.children[0]?.name : undefined };
  if (SM_NAMESPACES.has(ns)) return { ...base, kind: "sm" };
  if (STANZA_NAMESPACES.has(ns) && (name === "message" || name === "presence" || name === "iq")) {
    const attrs = addressing(element);
    // RFC 6120 section 8.3.2: an error stanza carries its condition in an <error/> child.
    const error = attrs.type === "error" ? stanzaCondition(element) : undefined;
    const isBind = name === "iq" && element.children.some((child) => child.ns === NS_BIND);
    return { ...base, kind: isBind ? "bind" : name, attrs, ...(error ? { error } : {}) };
  }
  return { ...base, kind: "other" };
}

function addressing(element: ElementOutline): EntryAttrs {
  const attrs: EntryAttrs = {};
  for (const key of ["to", "from", "id", "type"] as const) {
    const value = element.attrs[key];
    if (value !== undefined) attrs[key] = value;
  }
  return attrs;
}

function conditionIn(element: ElementOutline, ns: string): string | undefined {
  return element.children.find((child) => child.ns === ns && child.name !== "text")?.name;
}

function stanzaCondition(element: ElementOutline): string | undefined {
  const error = element.children.find((child) => child.name === "error");
  return error?.children.find((child) => child.ns === NS_STANZA_ERRORS && child.name !== "text")?.name;
}
