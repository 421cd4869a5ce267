/**
 * Stanza templates and the `{{variable}}` expansion the editor applies at send time.
 * Variables stay in the editor text (so a template can be sent twice with fresh ids);
 * a person can type them too.
 */

export interface TemplateVariables {
  /** Your full JID once online, such as alice@localhost/laptop; empty before. */
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

/** The names `expandTemplate` knows. `nick` is derived: the local part of `me`. */
export const TEMPLATE_VARIABLES = ["id", "me", "domain", "peer", "nick"] as const;

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

/** One `{{name}}` that was replaced: where it was, and where its value now is. */
export interface Replacement {
  name: string;
  value: string;
  /** Range in the text before expansion. */
  from: number;
  to: number;
  /** Range in the expanded text. */
  expandedFrom: number;
  expandedTo: number;
}

export interface UnknownVariable {
  name: string;
  offset: number;
  length: number;
}

export interface Expansion {
  text: string;
  replacements: Replacement[];
  /** `{{x}}` with a name not in TEMPLATE_VARIABLES: left as it is. */
  unknown: UnknownVariable[];
}

const VARIABLE = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;

/**
 * Replaces every `{{name}}` in `text`. Each `{{id}}` gets its own fresh id from `newId`,
 * so two iqs in one send never share one. Values are XML-escaped: they land in attribute
 * values and text alike.
 */
export function expandTemplate(text: string, vars: TemplateVariables, newId: () => string = freshId): Expansion {
  const replacements: Replacement[] = [];
  const unknown: UnknownVariable[] = [];
  let output = "";
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1]!;
    const from = match.index;
    const to = from + match[0].length;
    const value = valueOf(name, vars, newId);
    if (value === undefined) {
      unknown.push({ name, offset: from, length: match[0].length });
      continue;
    }
    output += text.slice(last, from);
    const escaped = escapeXml(value);
    replacements.push({ name, value, from, to, expandedFrom: output.length, expandedTo: output.length + escaped.length });
    output += escaped;
    last = to;
  }
  output += text.slice(last);
  return { text: output, replacements, unknown };
}

function valueOf(name: string, vars: TemplateVariables, newId: () => string): string | undefined {
  switch (name) {
    case "id":
      return newId();
    case "me":
      return vars.me;
    case "domain":
      return vars.domain;
    case "peer":
      return vars.peer;
    case "nick":
      return nickOf(vars.me);
    default:
      return undefined;
  }
}

/** The local part of a JID, as a room nickname; "learner" before you are online. */
export function nickOf(jid: string): string {
  const bare = jid.split("/")[0] ?? "";
  const at = bare.indexOf("@");
  return at > 0 ? bare.slice(0, at) : "learner";
}

let counter = 0;

/** Short, readable and unique enough to pair requests with answers in one session. */
export function freshId(): string {
  counter = (counter + 1) % 1_000_000;
  return `pg-${Math.random().toString(36).slice(2, 7)}${counter.toString(36)}`;
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[char]};`);
}
