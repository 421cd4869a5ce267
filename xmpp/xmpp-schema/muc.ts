import { EMPTY, TEXT, attribute, element, jidAttribute, ref, values } from "./define";
import { NS_CLIENT, NS_MUC, NS_MUC_ADMIN, NS_MUC_USER, xep } from "./namespaces";
import type { AttributeSpec, ElementSpec } from "./types";

/** Multi-user chat, XEP-0045: joining, occupant information, roles and affiliations. */

const PRESENCE = ref("presence", NS_CLIENT);
const MESSAGE = ref("message", NS_CLIENT);
const MUC_X = ref("x", NS_MUC);
const USER_X = ref("x", NS_MUC_USER);
const USER_ITEM = ref("item", NS_MUC_USER);
const ADMIN_QUERY = ref("query", NS_MUC_ADMIN);

// XEP-0045 section 5.2: a long-lived relation to the room.
export const AFFILIATIONS = values([
  ["owner", "Owns the room: may configure or destroy it."],
  ["admin", "Administers the room: may ban people and grant membership."],
  ["member", "A member: may enter a members-only room."],
  ["outcast", "Banned from the room."],
  ["none", "No relation to the room."],
]);

// XEP-0045 section 5.1: a relation that lasts while the occupant is in the room.
export const ROLES = values([
  ["moderator", "May kick occupants and grant or revoke voice."],
  ["participant", "May speak in the room."],
  ["visitor", "May read but not speak in a moderated room."],
  ["none", "Not in the room (used when someone leaves or is kicked)."],
]);

// XEP-0045 section 15.6.2, the registry of status codes.
export const STATUS_CODES = values([
  ["100", "Your full JID is visible to every occupant (a non-anonymous room)."],
  ["101", "Your affiliation changed while you were away."],
  ["102", "The room now shows unavailable members."],
  ["103", "The room no longer shows unavailable members."],
  ["104", "A setting of the room changed that does not affect privacy."],
  ["110", "This presence is about you: it is your own entry in the room."],
  ["170", "The room is being logged."],
  ["171", "The room is no longer logged."],
  ["172", "The room is now non-anonymous."],
  ["173", "The room is now semi-anonymous."],
  ["174", "The room is now fully anonymous."],
  ["201", "A new room was created for you; configure it or accept the defaults."],
  ["210", "The service changed your nickname."],
  ["301", "The occupant was banned."],
  ["303", "The occupant changed nickname; <item nick='...'> has the new one."],
  ["307", "The occupant was kicked."],
  ["321", "The occupant was removed because of an affiliation change."],
  ["322", "The occupant was removed because the room became members-only."],
  ["332", "The occupant was removed because the service is shutting down."],
  ["333", "The occupant was removed because of a technical problem."],
]);

const ITEM_ATTRIBUTES: readonly AttributeSpec[] = [
  attribute("affiliation", "The occupant's long-lived relation to the room (XEP-0045 section 5.2).", { values: AFFILIATIONS }),
  attribute("role", "The occupant's relation while in the room (XEP-0045 section 5.1).", { values: ROLES }),
  jidAttribute("jid", "The occupant's real JID, when the room lets you see it."),
  attribute("nick", "The occupant's nickname in the room."),
];

export const MUC_ELEMENTS: readonly ElementSpec[] = [
  element(
    "x",
    NS_MUC,
    PRESENCE,
    "Put in the presence you send to room@service/nickname: 'I want to join this room'. It can carry a <password> and a <history> request.",
    xep("0045", "enter"),
  ),
  element("password", NS_MUC, MUC_X, "The room's password, for a password-protected room.", xep("0045", "enter-pw"), { content: TEXT }),
  element("history", NS_MUC, MUC_X, "How much of the room's past messages to send you when you join; maxstanzas='0' asks for none.", xep("0045", "enter-managehistory"), {
    attributes: [
      attribute("maxchars", "At most this many characters of history."),
      attribute("maxstanzas", "At most this many messages of history."),
      attribute("seconds", "Only messages from the last this many seconds."),
      attribute("since", "Only messages since this UTC time (XEP-0082 format)."),
    ],
    content: EMPTY,
  }),
  element(
    "x",
    NS_MUC_USER,
    [PRESENCE, MESSAGE],
    "Sent by the room: who an occupant is (an <item>) and status codes about the room or about you. In a message: invitations.",
    xep("0045"),
  ),
  element("item", NS_MUC_USER, USER_X, "One occupant: their affiliation, role and, if you may see it, their real JID.", xep("0045", "associations"), {
    attributes: ITEM_ATTRIBUTES,
  }),
  element("status", NS_MUC_USER, USER_X, "A numeric code saying something about this presence or the room; 110 means 'this is you'.", xep("0045", "registrar-statuscodes"), {
    attributes: [attribute("code", "The status code (XEP-0045 section 15.6.2).", { required: true, values: STATUS_CODES })],
    content: EMPTY,
  }),
  element("actor", NS_MUC_USER, USER_ITEM, "Who kicked or banned the occupant.", xep("0045"), {
    attributes: [jidAttribute("jid", "The actor's real JID."), attribute("nick", "The actor's nickname.")],
    content: EMPTY,
  }),
  element("reason", NS_MUC_USER, [USER_ITEM, ref("invite", NS_MUC_USER), ref("decline", NS_MUC_USER), ref("destroy", NS_MUC_USER)], "Why: free text given with a kick, ban, invitation or room destruction.", xep("0045"), {
    content: TEXT,
  }),
  element("invite", NS_MUC_USER, USER_X, "In a message to the room: invite the JID in 'to'. The room forwards it with 'from' set to you.", xep("0045", "invite-mediated"), {
    attributes: [jidAttribute("to", "Who to invite (when you send it)."), jidAttribute("from", "Who invited you (when the room sends it).")],
  }),
  element("decline", NS_MUC_USER, USER_X, "Declines an invitation, sent to the room.", xep("0045", "invite-mediated"), {
    attributes: [jidAttribute("to", "Who invited you."), jidAttribute("from", "Who declined.")],
  }),
  element("destroy", NS_MUC_USER, USER_X, "The room was destroyed; 'jid' may name a room that replaces it.", xep("0045"), {
    attributes: [jidAttribute("jid", "An alternative room.")],
  }),
  element("password", NS_MUC_USER, USER_X, "The room's password, carried in an invitation.", xep("0045"), { content: TEXT }),
  element(
    "query",
    NS_MUC_ADMIN,
    ref("iq", NS_CLIENT),
    "Moderation and administration: an iq set with an <item> changes a role (kick, voice) or an affiliation (ban, membership); an iq get lists them.",
    xep("0045", "moderator"),
  ),
  element("item", NS_MUC_ADMIN, ADMIN_QUERY, "Whose role or affiliation to change, and to what.", xep("0045", "moderator"), { attributes: ITEM_ATTRIBUTES }),
  element("reason", NS_MUC_ADMIN, ref("item", NS_MUC_ADMIN), "Why the change is made; the room shows it to the occupant.", xep("0045", "moderator"), { content: TEXT }),
];
