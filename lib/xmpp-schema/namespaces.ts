import type { ElementRef, NamespaceSpec } from "./types";
import {
  NS_BIND,
  NS_CLIENT,
  NS_DELAY,
  NS_DISCO_INFO,
  NS_DISCO_ITEMS,
  NS_FRAMING,
  NS_MUC,
  NS_MUC_ADMIN,
  NS_MUC_USER,
  NS_PING,
  NS_REGISTER,
  NS_REGISTER_FEATURE,
  NS_ROSTER,
  NS_SASL,
  NS_SESSION,
  NS_SM_3,
  NS_STANZA_ERRORS,
  NS_STREAM,
  NS_STREAM_ERRORS,
  NS_TLS,
  NS_VCARD,
  NS_VERSION,
} from "../xml/namespaces";

/** Spec links: one place that knows how RFC sections and XEP pages are addressed. */
export const rfc6120 = (section: string) => `https://www.rfc-editor.org/rfc/rfc6120#section-${section}`;
export const rfc6121 = (section: string) => `https://www.rfc-editor.org/rfc/rfc6121#section-${section}`;
export const xep = (number: string, anchor?: string) => `https://xmpp.org/extensions/xep-${number}.html${anchor ? `#${anchor}` : ""}`;

/**
 * Stanzas and nonzas are children of the stream element (RFC 6120 section 4.1), so
 * "directly in the stream" is written as that parent. Over WebSocket (RFC 7395) there is
 * no wrapping element, but the same elements stand at the same level.
 */
export const STREAM_LEVEL: ElementRef = { name: "stream", ns: NS_STREAM };

export const NAMESPACES: readonly NamespaceSpec[] = [
  { uri: NS_CLIENT, title: "Stanzas between a client and its server", spec: rfc6120("4.8.3") },
  { uri: NS_STREAM, title: "The stream element, its features and errors", spec: rfc6120("4.8.1") },
  { uri: NS_TLS, title: "STARTTLS: upgrading the stream to TLS", spec: rfc6120("5.4") },
  { uri: NS_SASL, title: "SASL authentication", spec: rfc6120("6.4") },
  { uri: NS_BIND, title: "Binding a resource to the stream", spec: rfc6120("7") },
  { uri: NS_SESSION, title: "Session establishment (legacy, optional)", spec: "https://datatracker.ietf.org/doc/html/draft-cridland-xmpp-session-01" },
  { uri: NS_STREAM_ERRORS, title: "Stream error conditions", spec: rfc6120("4.9.3") },
  { uri: NS_STANZA_ERRORS, title: "Stanza error conditions", spec: rfc6120("8.3.3") },
  { uri: NS_FRAMING, title: "Stream open and close over WebSocket", spec: "https://www.rfc-editor.org/rfc/rfc7395#section-3.3" },
  { uri: NS_ROSTER, title: "Roster: your contact list", spec: rfc6121("2.1") },
  { uri: NS_DISCO_INFO, title: "Service discovery: identities and features", spec: xep("0030", "info") },
  { uri: NS_DISCO_ITEMS, title: "Service discovery: items (rooms, components)", spec: xep("0030", "items") },
  { uri: NS_PING, title: "XMPP Ping", spec: xep("0199") },
  { uri: NS_VERSION, title: "Software version", spec: xep("0092") },
  { uri: NS_VCARD, title: "vCard profile", spec: xep("0054") },
  { uri: NS_MUC, title: "Multi-user chat: joining a room", spec: xep("0045", "enter") },
  { uri: NS_MUC_USER, title: "Multi-user chat: occupant information", spec: xep("0045") },
  { uri: NS_MUC_ADMIN, title: "Multi-user chat: changing roles and affiliations", spec: xep("0045") },
  { uri: NS_REGISTER, title: "In-band registration", spec: xep("0077") },
  { uri: NS_REGISTER_FEATURE, title: "In-band registration stream feature", spec: xep("0077") },
  { uri: NS_DELAY, title: "Delayed delivery timestamp", spec: xep("0203") },
  { uri: NS_SM_3, title: "Stream management: acks and resumption", spec: xep("0198") },
];
