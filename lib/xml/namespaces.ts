/**
 * Every XML namespace the playground names, in one table that lib/xml, lib/xmpp,
 * lib/xmpp-schema, lib/lessons, the server and the tests all import. It imports nothing,
 * so no module has to reach into another layer (or make a cycle) to learn a URI.
 * lib/xmpp-schema/namespaces.ts adds titles and spec links for the editor's hovers.
 */

// RFC 6120: streams, their features, errors and stanzas.
export const NS_CLIENT = "jabber:client";
export const NS_SERVER = "jabber:server";
export const NS_COMPONENT = "jabber:component:accept";
export const NS_STREAM = "http://etherx.jabber.org/streams";
export const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
export const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
export const NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";
export const NS_SESSION = "urn:ietf:params:xml:ns:xmpp-session";
export const NS_STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";
export const NS_STANZA_ERRORS = "urn:ietf:params:xml:ns:xmpp-stanzas";
/** XMPP over WebSocket wraps stream open and close in elements of their own (RFC 7395 section 3.3). */
export const NS_FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";

// RFC 6121 and XEPs.
export const NS_ROSTER = "jabber:iq:roster";
export const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
export const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
export const NS_PING = "urn:xmpp:ping";
export const NS_VERSION = "jabber:iq:version";
export const NS_VCARD = "vcard-temp";
export const NS_MUC = "http://jabber.org/protocol/muc";
export const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
export const NS_MUC_ADMIN = "http://jabber.org/protocol/muc#admin";
export const NS_MUC_OWNER = "http://jabber.org/protocol/muc#owner";
export const NS_CONFERENCE = "jabber:x:conference";
export const NS_REGISTER = "jabber:iq:register";
export const NS_REGISTER_FEATURE = "http://jabber.org/features/iq-register";
export const NS_DELAY = "urn:xmpp:delay";
export const NS_DATA_FORMS = "jabber:x:data";
/** XEP-0184 §2: message delivery receipts. */
export const NS_RECEIPTS = "urn:xmpp:receipts";
/** XEP-0085 §2: chat state notifications (composing, active, ...). */
export const NS_CHATSTATES = "http://jabber.org/protocol/chatstates";
/** XEP-0280 §3: message carbons, and XEP-0297 §3: the forwarded wrapper a copy travels in. */
export const NS_CARBONS = "urn:xmpp:carbons:2";
export const NS_FORWARD = "urn:xmpp:forward:0";
/** XEP-0060 §9 and XEP-0163 §4: publish-subscribe, and the event wrapper of a notification. */
export const NS_PUBSUB = "http://jabber.org/protocol/pubsub";
export const NS_PUBSUB_EVENT = "http://jabber.org/protocol/pubsub#event";
/** XEP-0115 §4: entity capabilities, the <c/> a presence carries. */
export const NS_CAPS = "http://jabber.org/protocol/caps";
/** XEP-0107 §2: user mood, a PEP payload (the node is named after it). */
export const NS_MOOD = "urn:xmpp:mood:0";
/** XEP-0172 §4: user nickname, a PEP payload. */
export const NS_NICK = "http://jabber.org/protocol/nick";
export const NS_SM_3 = "urn:xmpp:sm:3";
export const NS_SM_2 = "urn:xmpp:sm:2";

// Authentication beyond RFC 6120's SASL profile.
/** Legacy non-SASL authentication (XEP-0078). */
export const NS_IQ_AUTH = "jabber:iq:auth";
/** Extensible SASL Profile, "SASL2" (XEP-0388). */
export const NS_SASL2 = "urn:xmpp:sasl:2";
/** Fast Authentication Streamlining Tokens (XEP-0484). */
export const NS_FAST = "urn:xmpp:fast:0";
/** SASL Upgrade Tasks (XEP-0480): the client hands over a new salted password hash. */
export const NS_SCRAM_UPGRADE = "urn:xmpp:scram-upgrade:0";
