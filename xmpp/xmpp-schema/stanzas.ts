import { TEXT, attribute, element, jidAttribute, ref, textOf, values } from "./define";
import { NS_CLIENT, NS_DELAY, STREAM_LEVEL, rfc6120, rfc6121, xep } from "./namespaces";
import type { AttributeSpec, ElementSpec, ValueSpec } from "./types";

/** RFC 6120 section 8 and RFC 6121 sections 4 and 5: the three stanzas and their basic children. */

export const MESSAGE_TYPES: readonly ValueSpec[] = values([
  ["chat", "A one-to-one conversation (RFC 6121 section 5.2.2)."],
  ["groupchat", "A message in a multi-user chat room; send it to the room's bare JID (XEP-0045)."],
  ["headline", "An alert or news item that expects no reply and is not stored offline."],
  ["normal", "A standalone message, like an email; the default when 'type' is absent."],
  ["error", "This message reports an error about one you sent; it carries an <error> child."],
]);

export const PRESENCE_TYPES: readonly ValueSpec[] = values([
  ["unavailable", "You are going offline, or leaving a room when sent to it (RFC 6121 section 4.5)."],
  ["subscribe", "Ask to see the contact's presence (RFC 6121 section 3.1)."],
  ["subscribed", "Allow the contact to see your presence (RFC 6121 section 3.1.3)."],
  ["unsubscribe", "Stop seeing the contact's presence (RFC 6121 section 3.3)."],
  ["unsubscribed", "Refuse or cancel the contact's subscription to you (RFC 6121 section 3.2)."],
  ["probe", "Asks for the current presence of a contact; servers send it, clients should not (RFC 6121 section 4.3)."],
  ["error", "Reports an error about a presence you sent; it carries an <error> child."],
]);

export const IQ_TYPES: readonly ValueSpec[] = values([
  ["get", "Asks for information; carries exactly one child, the query (RFC 6120 section 8.2.3)."],
  ["set", "Provides data or asks for a change; carries exactly one child."],
  ["result", "The answer to a get or set, with the same id; carries zero or one child."],
  ["error", "The request failed; carries an <error> child and the same id."],
]);

/** The type attribute, by stanza name: what validation and completion both check against. */
export const STANZA_TYPES: Readonly<Record<"message" | "presence" | "iq", readonly ValueSpec[]>> = {
  message: MESSAGE_TYPES,
  presence: PRESENCE_TYPES,
  iq: IQ_TYPES,
};

// RFC 6120 section 8.1: the same addressing attributes on every stanza.
function stanzaAttributes(typeDoc: string, types: readonly ValueSpec[]): AttributeSpec[] {
  return [
    jidAttribute("to", "The intended recipient. Leave it out to address your own account or server (RFC 6120 section 8.1.1)."),
    jidAttribute("from", "The sender. Leave it out: your server stamps your full JID (RFC 6120 section 8.1.2)."),
    attribute("id", "Your label for the stanza; the answer carries the same id so you can match it (RFC 6120 section 8.1.3)."),
    attribute("type", typeDoc, { values: types }),
    attribute("xml:lang", "The language of the human-readable text inside (RFC 6120 section 8.1.5)."),
  ];
}

const MESSAGE = ref("message", NS_CLIENT);
const PRESENCE = ref("presence", NS_CLIENT);

export const STANZA_ELEMENTS: readonly ElementSpec[] = [
  element(
    "message",
    NS_CLIENT,
    STREAM_LEVEL,
    "Pushes information to someone: fire and forget, no answer expected. A chat message needs 'to', type='chat' and a <body>.",
    rfc6121("5"),
    { attributes: stanzaAttributes("What kind of message this is; absent means normal (RFC 6121 section 5.2.2).", MESSAGE_TYPES) },
  ),
  element(
    "presence",
    NS_CLIENT,
    STREAM_LEVEL,
    "Says whether you are available, or manages subscriptions. Without 'to' it goes to everyone subscribed to you; with 'to' it is directed presence (RFC 6121 section 4.6).",
    rfc6121("4"),
    { attributes: stanzaAttributes("Absent means available; otherwise unavailable or a subscription request (RFC 6121 section 4.7.1).", PRESENCE_TYPES) },
  ),
  element(
    "iq",
    NS_CLIENT,
    STREAM_LEVEL,
    "Info/Query: a request that always gets exactly one answer (result or error) with the same id. A get or set carries exactly one child, the payload.",
    rfc6120("8.2.3"),
    {
      attributes: stanzaAttributes("Required: get, set, result or error (RFC 6120 section 8.2.3).", IQ_TYPES).map((spec) =>
        spec.name === "id" || spec.name === "type" ? { ...spec, required: true } : spec,
      ),
    },
  ),
  element("body", NS_CLIENT, MESSAGE, "The text of the message. A chat client shows messages that have a body.", rfc6121("5.2.3"), {
    attributes: [attribute("xml:lang", "The language of this body; several bodies may differ by language.")],
    content: TEXT,
  }),
  element("subject", NS_CLIENT, MESSAGE, "The topic of the message; in a room, a subject without a body changes the room's topic.", rfc6121("5.2.4"), {
    attributes: [attribute("xml:lang", "The language of this subject.")],
    content: TEXT,
  }),
  element("thread", NS_CLIENT, MESSAGE, "An identifier that ties messages of one conversation thread together; copy it into replies.", rfc6121("5.2.5"), {
    attributes: [attribute("parent", "The thread this one branched from.")],
    content: TEXT,
  }),
  element("show", NS_CLIENT, PRESENCE, "A finer availability for an available presence. Leave it out for plain 'online'.", rfc6121("4.7.2.1"), {
    content: textOf(
      values([
        ["away", "Temporarily away."],
        ["chat", "Available and eager to chat."],
        ["dnd", "Do not disturb: busy."],
        ["xa", "Extended away: gone for a long time."],
      ]),
    ),
  }),
  element("status", NS_CLIENT, PRESENCE, "Free text shown next to your availability, such as 'In a meeting'.", rfc6121("4.7.2.2"), {
    attributes: [attribute("xml:lang", "The language of this status.")],
    content: TEXT,
  }),
  element(
    "priority",
    NS_CLIENT,
    PRESENCE,
    "An integer from -128 to 127: which of your resources gets messages sent to your bare JID. Negative means never by default.",
    rfc6121("4.7.2.3"),
    { content: { kind: "text", integer: { min: -128, max: 127 } } },
  ),
  element("delay", NS_DELAY, [MESSAGE, PRESENCE], "Marks a stanza delivered late, such as a message stored while you were offline, with its original time.", xep("0203"), {
    attributes: [jidAttribute("from", "Who delayed it, usually your server."), attribute("stamp", "When it was originally sent (UTC, XEP-0082 format).", { required: true })],
    content: TEXT,
  }),
];
