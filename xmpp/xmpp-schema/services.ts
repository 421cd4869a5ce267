import { EMPTY, TEXT, attribute, element, jidAttribute, ref, values } from "./define";
import { NS_CLIENT, NS_DISCO_INFO, NS_DISCO_ITEMS, NS_PING, NS_ROSTER, NS_VERSION, rfc6121, xep } from "./namespaces";
import type { ElementSpec } from "./types";

/** The roster (RFC 6121 section 2) and the small iq services every server answers. */

const IQ = ref("iq", NS_CLIENT);
const ROSTER_QUERY = ref("query", NS_ROSTER);
const ROSTER_ITEM = ref("item", NS_ROSTER);
const INFO_QUERY = ref("query", NS_DISCO_INFO);
const ITEMS_QUERY = ref("query", NS_DISCO_ITEMS);
const VERSION_QUERY = ref("query", NS_VERSION);

export const SUBSCRIPTION_STATES = values([
  ["none", "Neither of you sees the other's presence."],
  ["to", "You see the contact's presence; the contact does not see yours."],
  ["from", "The contact sees your presence; you do not see theirs."],
  ["both", "You see each other's presence."],
  ["remove", "In a roster set: delete this contact from the roster (RFC 6121 section 2.5)."],
]);

export const SERVICE_ELEMENTS: readonly ElementSpec[] = [
  // Roster, RFC 6121 section 2.1.
  element(
    "query",
    NS_ROSTER,
    IQ,
    "Your contact list, kept by the server. In an iq get: fetch it. In an iq set with one <item>: add, change or remove a contact (RFC 6121 sections 2.2 to 2.5).",
    rfc6121("2.1"),
    { attributes: [attribute("ver", "Roster version: send the last one you saw, and the server sends only what changed (RFC 6121 section 2.6).")] },
  ),
  element("item", NS_ROSTER, ROSTER_QUERY, "One contact: their JID, the name you gave them, your subscription state and groups.", rfc6121("2.1.2"), {
    attributes: [
      jidAttribute("jid", "The contact's bare JID (RFC 6121 section 2.1.2.3).", true),
      attribute("name", "A nickname you give the contact (RFC 6121 section 2.1.2.4)."),
      attribute("subscription", "Who sees whose presence; set only 'remove' yourself, the server manages the rest (RFC 6121 section 2.1.2.5).", {
        values: SUBSCRIPTION_STATES,
      }),
      attribute("ask", "You asked for a subscription and are waiting for an answer; set by the server (RFC 6121 section 2.1.2.2).", {
        values: values([["subscribe", "A subscription request from you is pending."]]),
      }),
      attribute("approved", "You pre-approved the contact's subscription; set by the server (RFC 6121 section 2.1.2.1).", {
        values: values([
          ["true", "Pre-approved."],
          ["false", "Not pre-approved (same as leaving it out)."],
        ]),
      }),
    ],
  }),
  element("group", NS_ROSTER, ROSTER_ITEM, "A group the contact belongs to, such as 'Friends'; one element per group (RFC 6121 section 2.1.2.6).", rfc6121("2.1.2.6"), {
    content: TEXT,
  }),

  // Service discovery, XEP-0030.
  element(
    "query",
    NS_DISCO_INFO,
    IQ,
    "Asks an entity who it is and what it can do: the result lists its identities and the features (namespaces) it supports.",
    xep("0030", "info"),
    { attributes: [attribute("node", "A particular node of the entity to ask about, instead of the entity itself.")] },
  ),
  element("identity", NS_DISCO_INFO, INFO_QUERY, "What the entity is, as a category and a type, such as server/im or conference/text.", xep("0030", "info"), {
    attributes: [
      attribute("category", "The broad kind: server, client, conference, pubsub, ...", { required: true }),
      attribute("type", "The kind within the category: im, pc, text, ...", { required: true }),
      attribute("name", "A human-readable name."),
      attribute("xml:lang", "The language of the name."),
    ],
    content: EMPTY,
  }),
  element("feature", NS_DISCO_INFO, INFO_QUERY, "One protocol the entity supports, named by its namespace, such as urn:xmpp:ping.", xep("0030", "info"), {
    attributes: [attribute("var", "The namespace or feature name.", { required: true })],
    content: EMPTY,
  }),
  element("query", NS_DISCO_ITEMS, IQ, "Asks an entity what it contains: for a server its services (such as conference.localhost), for a MUC service its rooms.", xep("0030", "items"), {
    attributes: [attribute("node", "A particular node whose items you want.")],
  }),
  element("item", NS_DISCO_ITEMS, ITEMS_QUERY, "One item: an address you can query in turn with disco#info.", xep("0030", "items"), {
    attributes: [jidAttribute("jid", "The item's address.", true), attribute("name", "A human-readable name."), attribute("node", "A node at that address.")],
    content: EMPTY,
  }),

  // XMPP Ping, XEP-0199.
  element(
    "ping",
    NS_PING,
    IQ,
    "Checks that the other end is alive: send it in an iq of type get; the answer is an empty result (or an error if pings are not supported).",
    xep("0199"),
    { content: EMPTY },
  ),

  // Software version, XEP-0092.
  element("query", NS_VERSION, IQ, "Asks an entity for its software name and version. The result carries <name>, <version> and optionally <os>.", xep("0092"), {}),
  element("name", NS_VERSION, VERSION_QUERY, "The software's name, such as ejabberd.", xep("0092"), { content: TEXT }),
  element("version", NS_VERSION, VERSION_QUERY, "The software's version.", xep("0092"), { content: TEXT }),
  element("os", NS_VERSION, VERSION_QUERY, "The operating system it runs on (many servers keep it private).", xep("0092"), { content: TEXT }),
];
