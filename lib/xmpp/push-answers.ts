import type { Client, XmlElement } from "@xmpp/client";

/**
 * The iq pushes a server sends a client on its own, answered as a real client answers them.
 * RFC 6120 section 8.2.3: an iq set gets a result or an error. Without a handler
 * @xmpp/client answers each with <service-unavailable/>, which tells the server the client
 * cannot handle what every client is expected to accept.
 */
const PUSHES: readonly { ns: string; name: string }[] = [
  // RFC 6121 section 2.1.6: a roster push is acknowledged with an empty result.
  { ns: "jabber:iq:roster", name: "query" },
  // XEP-0191 sections 3.3 and 3.4: the server pushes each block and unblock to every resource.
  { ns: "urn:xmpp:blocking", name: "block" },
  { ns: "urn:xmpp:blocking", name: "unblock" },
  // XEP-0016 section 2.4: an edited privacy list is pushed to every resource, which acknowledges it.
  { ns: "jabber:iq:privacy", name: "query" },
];

/**
 * A push counts only from the account's own server: no 'from', or the account's bare JID
 * (RFC 6121 section 2.1.6). Anyone else's "push" is not acknowledged.
 */
export function isFromOwnServer(stanza: XmlElement, bareJid: string): boolean {
  const from = stanza.attrs.from;
  if (from === undefined || from === "") return true;
  return from.split("/")[0]!.toLowerCase() === bareJid.toLowerCase();
}

export function answerServerPushes(entity: Client, bareJid: string): void {
  for (const push of PUSHES) entity.iqCallee.set(push.ns, push.name, ({ stanza }) => isFromOwnServer(stanza, bareJid));
}
