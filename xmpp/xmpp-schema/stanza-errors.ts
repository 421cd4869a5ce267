import { EMPTY, TEXT, attribute, element, jidAttribute, ref, values } from "./define";
import { NS_CLIENT, NS_STANZA_ERRORS, rfc6120 } from "./namespaces";
import type { ConditionSpec, ElementSpec, StanzaErrorType } from "./types";

/** RFC 6120 section 8.3: an error stanza, its type and its defined conditions. */

export const STANZA_ERROR_TYPES = values([
  ["auth", "Retry after giving credentials: log in, register, or ask for a subscription."],
  ["cancel", "Do not retry: the error cannot be fixed by trying again."],
  ["continue", "Go on: the condition was only a warning."],
  ["modify", "Retry after changing the data you sent."],
  ["wait", "Retry later: the problem is temporary."],
]);

const condition = (name: string, section: string, typicalType: StanzaErrorType | undefined, meaning: string, fix: string): ConditionSpec => ({
  name,
  meaning,
  fix,
  spec: rfc6120(`8.3.3.${section}`),
  ...(typicalType ? { typicalType } : {}),
});

// Sections 8.3.3.1 to 8.3.3.22, in the RFC's (alphabetical) order.
export const STANZA_ERROR_CONDITIONS: readonly ConditionSpec[] = [
  condition("bad-request", "1", "modify", "The request was malformed or not understood: a missing attribute, a wrong value, or a child that makes no sense here.", "Check the stanza against the spec of the namespace you used: required attributes, allowed values, exactly one payload in an iq get or set."),
  condition("conflict", "2", "cancel", "Someone or something already has this: a resource already bound, a nickname taken in a room, a username already registered.", "Choose another name (resource, nickname or username) and try again."),
  condition("feature-not-implemented", "3", "cancel", "The recipient understood the request but does not implement this feature.", "Ask the recipient which features it has with a disco#info query, and use one of those."),
  condition("forbidden", "4", "auth", "You are not allowed to do this, whoever you are: for example, only room owners may change the room.", "Act as an account that has the right (an owner, an admin), or do something you are allowed to."),
  condition("gone", "5", "cancel", "The recipient or the service is no longer at this address; the element may carry the new address.", "Send to the new address given inside <gone/>, if there is one."),
  condition("internal-server-error", "6", "cancel", "The server failed while handling a valid request: a bug or misconfiguration on its side.", "Nothing to fix in your stanza; look at the server log, or try again later."),
  condition("item-not-found", "7", "cancel", "The addressed JID or item does not exist: a node, room or account that is not there.", "Check the 'to' address and any node name for typos; create the room or item first."),
  condition("jid-malformed", "8", "modify", "An address in the stanza is not a valid JID.", "Fix the 'to' or 'jid' value: user@domain or user@domain/resource, no spaces."),
  condition("not-acceptable", "9", "modify", "The recipient or server understood the request but will not accept it as given, such as an empty message body or a too-long nickname.", "Change the content to something the recipient accepts (for example a non-empty <body>)."),
  condition("not-allowed", "10", "cancel", "Nobody may do this here: the recipient does not allow the action at all, such as creating rooms on a service that forbids it.", "Do something else; this request is not allowed for any entity."),
  condition("not-authorized", "11", "auth", "You must authenticate first, or your credentials do not give you this right.", "Log in (or join the room with the right password) before sending this request."),
  condition("policy-violation", "12", "modify", "The request breaks a local policy of the server, such as a word filter or a size limit.", "Read the <text> the server added, and change what you send to fit the policy."),
  condition("recipient-unavailable", "13", "wait", "The intended recipient is temporarily unavailable, for example offline while the server does not store messages.", "Try again later, when the recipient is online."),
  condition("redirect", "14", "modify", "The recipient is temporarily at another address, given inside the element.", "Send the request again to the address inside <redirect/>."),
  condition("registration-required", "15", "auth", "You must register with the service first (an account, a room membership).", "Register (XEP-0077) or ask for membership, then try again."),
  condition("remote-server-not-found", "16", "cancel", "The domain in the 'to' address does not exist or cannot be reached: the server could not find it.", "Check the domain part of 'to'. On this playground the only domains are localhost and conference.localhost."),
  condition("remote-server-timeout", "17", "wait", "The remote server exists but did not answer in time.", "Try again later."),
  condition("resource-constraint", "18", "wait", "The recipient or server lacks the resources to handle this now: it is overloaded.", "Try again later, and send less at once."),
  condition("service-unavailable", "19", "cancel", "The recipient does not offer this service, or an iq went to a bare JID or an offline resource that nobody answers for.", "Check the namespace of your payload (a typo makes it unknown) and whether 'to' should be a full JID with a resource."),
  condition("subscription-required", "20", "auth", "You need a presence subscription to the recipient before you may do this.", "Send <presence type='subscribe'/> and wait for the contact to approve it."),
  condition("undefined-condition", "21", undefined, "An error none of the other conditions describes; an application-specific element beside it may say more.", "Read the <text> and any application-specific child for details."),
  condition("unexpected-request", "22", "wait", "The request came at the wrong moment: the recipient understood it but it does not fit the current state.", "Do the steps in order (for example, bind a resource before sending stanzas)."),
];

const ERROR = ref("error", NS_CLIENT);
const STANZAS = [ref("message", NS_CLIENT), ref("presence", NS_CLIENT), ref("iq", NS_CLIENT)];

/** Conditions that may carry an address as text (RFC 6120 sections 8.3.3.5 and 8.3.3.14). */
const WITH_TEXT = new Set(["gone", "redirect"]);

export const STANZA_ERROR_ELEMENTS: readonly ElementSpec[] = [
  element(
    "error",
    NS_CLIENT,
    STANZAS,
    "Says why a stanza failed. It must have a type (what to do next) and one condition element in urn:ietf:params:xml:ns:xmpp-stanzas, optionally a <text>.",
    rfc6120("8.3.2"),
    {
      attributes: [
        attribute("type", "What the sender of the failed stanza should do next.", { required: true, values: STANZA_ERROR_TYPES }),
        jidAttribute("by", "The entity that found the error, when it is not the one the stanza was addressed to."),
      ],
    },
  ),
  element("text", NS_STANZA_ERRORS, ERROR, "Optional human-readable words about the error. Programs act on the condition, people read this.", rfc6120("8.3.2"), {
    attributes: [attribute("xml:lang", "The language of the text.")],
    content: TEXT,
  }),
  ...STANZA_ERROR_CONDITIONS.map((spec) =>
    element(spec.name, NS_STANZA_ERRORS, ERROR, spec.meaning, spec.spec, { content: WITH_TEXT.has(spec.name) ? TEXT : EMPTY }),
  ),
];
