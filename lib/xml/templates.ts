
/**
 * Stanza templates and the `{{variable}}` expansion the editor applies at send time.
 * Variables stay in the editor text (so a template can be sent twice with fresh ids);
 * a person can type them too.
 */

import { expandVariables, freshId, identityValues, type Expansion } from "./variables";

export { freshId, nickOf, type Expansion, type Replacement, type UnknownVariable } from "./variables";

export interface TemplateVariables {
  /** Your JID once online, full (alice@localhost/laptop) once bound; empty before. */
  me: string;
  /** The server's domain, such as localhost. */
  domain: string;
  /** Someone to talk to, such as bob@localhost. */
  peer: string;
}

export interface StanzaTemplate {
  id: string;
  label: string;
  group: "Message" | "Presence" | "Info/Query" | "Multi-user chat" | "Account";
  text: string;
}

/** The names `expandTemplate` knows. `me` (bare), `me.full` and `nick` derive from the session's JID. */
export const TEMPLATE_VARIABLES = ["id", "me", "me.full", "domain", "peer", "nick"] as const;

const iq = (type: "get" | "set", payload: string, to = ` to="{{domain}}"`) => `<iq type="${type}" id="{{id}}"${to}>\n  ${payload}\n</iq>`;

export const TEMPLATES: readonly StanzaTemplate[] = [
  { id: "message-chat", group: "Message", label: "Chat message", text: `<message to="{{peer}}" type="chat" id="{{id}}">\n  <body>Hello!</body>\n</message>` },
  {
    id: "message-headline",
    group: "Message",
    label: "Headline",
    text: `<message to="{{peer}}" type="headline" id="{{id}}">\n  <subject>Heads up</subject>\n  <body>Something happened.</body>\n</message>`,
  },
  { id: "presence-initial", group: "Presence", label: "Initial presence (online)", text: `<presence/>` },
  { id: "presence-show", group: "Presence", label: "Presence with show and status", text: `<presence>\n  <show>away</show>\n  <status>Back in five minutes</status>\n  <priority>1</priority>\n</presence>` },
  { id: "presence-unavailable", group: "Presence", label: "Unavailable (going offline)", text: `<presence type="unavailable"/>` },
  { id: "presence-directed", group: "Presence", label: "Directed presence", text: `<presence to="{{peer}}"/>` },
  { id: "presence-subscribe", group: "Presence", label: "Subscribe to a contact", text: `<presence to="{{peer}}" type="subscribe"/>` },
  { id: "iq-ping", group: "Info/Query", label: "Ping the server", text: iq("get", `<ping xmlns="urn:xmpp:ping"/>`) },
  { id: "disco-info", group: "Info/Query", label: "Service discovery: info", text: iq("get", `<query xmlns="http://jabber.org/protocol/disco#info"/>`) },
  { id: "disco-items", group: "Info/Query", label: "Service discovery: items", text: iq("get", `<query xmlns="http://jabber.org/protocol/disco#items"/>`) },
  { id: "version", group: "Info/Query", label: "Software version", text: iq("get", `<query xmlns="jabber:iq:version"/>`) },
  { id: "roster-get", group: "Info/Query", label: "Roster: get", text: iq("get", `<query xmlns="jabber:iq:roster"/>`, "") },
  {
    id: "roster-set",
    group: "Info/Query",
    label: "Roster: add a contact",
    text: iq("set", `<query xmlns="jabber:iq:roster">\n    <item jid="{{peer}}" name="My peer">\n      <group>Friends</group>\n    </item>\n  </query>`, ""),
  },
  { id: "vcard-get", group: "Info/Query", label: "vCard: get mine", text: iq("get", `<vCard xmlns="vcard-temp"/>`, "") },
  {
    id: "vcard-set",
    group: "Info/Query",
    label: "vCard: set mine",
    text: iq("set", `<vCard xmlns="vcard-temp">\n    <FN>{{nick}} the learner</FN>\n    <NICKNAME>{{nick}}</NICKNAME>\n  </vCard>`, ""),
  },
  {
    id: "muc-join",
    group: "Multi-user chat",
    label: "Join a room",
    text: `<presence to="playground@conference.{{domain}}/{{nick}}">\n  <x xmlns="http://jabber.org/protocol/muc">\n    <history maxstanzas="0"/>\n  </x>\n</presence>`,
  },
  { id: "register-get", group: "Account", label: "Registration: which fields?", text: iq("get", `<query xmlns="jabber:iq:register"/>`) },
];

export function findTemplate(id: string): StanzaTemplate | undefined {
  return TEMPLATES.find((template) => template.id === id);
}

/**
 * Expands the workbench's variables with the one engine (./variables.ts): `vars.me` is the
 * session's full JID, so {{me}} is its bare JID and {{me.full}} the full one.
 */
export function expandTemplate(text: string, vars: TemplateVariables, newId: () => string = freshId): Expansion {
  return expandVariables(text, { ...identityValues(vars.me), domain: vars.domain, peer: vars.peer }, { newId });
}
