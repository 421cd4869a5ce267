import { NS_CLIENT } from "../xml/namespaces";

/**
 * The schema's docs speak to the person writing a stanza (the editor's hover and completion).
 * An entry that arrived travelled the other way: these say what the same attribute or value
 * means to the one who receives it. Keyed by element name in jabber:client.
 */

/** Addressing attributes as the recipient reads them (RFC 6120 section 8.1). */
const INBOUND_ATTRIBUTE_DOCS: Readonly<Record<string, string>> = {
  to: "Who this is for: you (your full or bare JID), as the sender addressed it (RFC 6120 section 8.1.1).",
  from: "Who sent it, stamped by the sender's server; absent means your own account or server (RFC 6120 section 8.1.2).",
  id: "The sender's label; if this is an answer, it is the id of your request (RFC 6120 section 8.1.3).",
};

/** Presence types as the one who receives them reads them (RFC 6121 section 3). */
const INBOUND_PRESENCE_TYPES: Readonly<Record<string, string>> = {
  unavailable: "The sender has gone offline, or left the room (RFC 6121 section 4.5).",
  subscribe: "The contact asks to see your presence: answer subscribed to allow it, unsubscribed to refuse (RFC 6121 section 3.1.3).",
  subscribed: "The contact allowed you to see their presence (RFC 6121 section 3.1.5).",
  unsubscribe: "The contact no longer wants to see your presence (RFC 6121 section 3.3.3).",
  unsubscribed: "The contact refused or cancelled your subscription to their presence (RFC 6121 section 3.2.3).",
  probe: "A server asks for the current presence; your server answers it for you (RFC 6121 section 4.3).",
  error: "A presence you sent failed; the <error> child says why.",
};

const INBOUND_MESSAGE_TYPES: Readonly<Record<string, string>> = {
  error: "A message you sent failed; the <error> child says why.",
};

/** An arriving get or set must be answered (RFC 6120 section 8.2.3). */
const INBOUND_IQ_TYPES: Readonly<Record<string, string>> = {
  get: "Asks you for information: you must answer with a result or an error carrying the same id (RFC 6120 section 8.2.3).",
  set: "Asks you to take this data or make a change: you must answer with a result or an error carrying the same id (RFC 6120 section 8.2.3).",
  result: "The answer to your request with the same id (RFC 6120 section 8.2.3).",
  error: "Your request with the same id failed; the <error> child says why.",
};

const INBOUND_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  presence: INBOUND_PRESENCE_TYPES,
  message: INBOUND_MESSAGE_TYPES,
  iq: INBOUND_IQ_TYPES,
};

function isStanza(name: string, ns: string): boolean {
  return ns === NS_CLIENT && (name === "message" || name === "presence" || name === "iq");
}

/** What an attribute of a received stanza means to its recipient; null where the schema's doc holds either way. */
export function inboundAttributeDoc(element: { name: string; ns: string }, attribute: string): string | null {
  return isStanza(element.name, element.ns) ? (INBOUND_ATTRIBUTE_DOCS[attribute] ?? null) : null;
}

/** What a received stanza's type value means to its recipient; null where the schema's doc holds either way. */
export function inboundTypeDoc(element: { name: string; ns: string }, value: string): string | null {
  return isStanza(element.name, element.ns) ? (INBOUND_TYPES[element.name]?.[value] ?? null) : null;
}
