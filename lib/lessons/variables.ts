import { escapeXml } from "../xml/escape";
import { expandVariables, freshId, variableNames } from "../xml/variables";

/**
 * The values a lesson's text is written against (lessons/README.md, "Variables"). Each
 * session draws its own, so many learners can share one server without meeting.
 * Browser-safe: no Node modules. A type, not an interface, so it is also a VariableValues
 * record for the check engine (check.ts), which scripts share.
 */
export type LessonVariables = {
  /** Your bare JID (a disposable account). */
  me: string;
  username: string;
  password: string;
  /** base64 of "\0username\0password": the SASL PLAIN response (RFC 4616 section 2). */
  plain: string;
  domain: string;
  /** The other side's bare JID; empty when the lesson has no peer. */
  peer: string;
  /** The multi-user chat service. */
  muc: string;
  /** A room bare JID nobody else uses. */
  room: string;
  nick: string;
  /** A JID on the domain with no account behind it. */
  stranger: string;
  /** For the registration lesson: a localpart nobody registered, a password, and their PLAIN payload. */
  newuser: string;
  newpass: string;
  newplain: string;
  /** Raw mode, the SCRAM lesson: a client nonce (RFC 5802 §5.1 r=) and the base64 client-first-message "n,,n=username,r=nonce" (§7). */
  scramnonce: string;
  scramfirst: string;
};

/** Every name a lesson may write as {{name}}; `id` is fresh each time text is loaded. */
export const LESSON_VARIABLE_NAMES = [
  "me",
  "username",
  "password",
  "plain",
  "domain",
  "peer",
  "muc",
  "room",
  "nick",
  "stranger",
  "newuser",
  "newpass",
  "newplain",
  "scramnonce",
  "scramfirst",
  "id",
] as const;

export type LessonVariableName = (typeof LESSON_VARIABLE_NAMES)[number];

const KNOWN = new Set<string>(LESSON_VARIABLE_NAMES);

export interface VariableInputs {
  username: string;
  password: string;
  domain: string;
  peer?: string;
  /** Defaults to conference.<domain>, where ejabberd's mod_muc lives in our config. */
  muc?: string;
  /** Random suffixes; injectable so tests are repeatable. */
  random?: () => string;
}

/** Draws a session's variables around its account. */
export function buildLessonVariables(inputs: VariableInputs): LessonVariables {
  const random = inputs.random ?? randomSuffix;
  const { username, password, domain } = inputs;
  const muc = inputs.muc ?? `conference.${domain}`;
  const newuser = `new-${random()}`;
  const newpass = random() + random();
  const scramnonce = random() + random();
  return {
    me: `${username}@${domain}`,
    username,
    password,
    plain: saslPlain(username, password),
    domain,
    peer: inputs.peer ?? "",
    muc,
    room: `lesson-${random()}@${muc}`,
    nick: username,
    stranger: `nobody-${random()}@${domain}`,
    newuser,
    newpass,
    newplain: saslPlain(newuser, newpass),
    scramnonce,
    scramfirst: utf8Base64(`n,,n=${username.replace(/=/g, "=3D").replace(/,/g, "=2C")},r=${scramnonce}`),
  };
}

/** RFC 4616 section 2: authzid (empty) NUL authcid NUL password, UTF-8, base64 (RFC 6120 section 6.4.2). */
export function saslPlain(username: string, password: string): string {
  return utf8Base64(`\0${username}\0${password}`);
}

function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Replaces every known {{name}} in XML a lesson gives the editor (starter, solution).
 * Values are XML-escaped, as they land in attribute values and text; each {{id}} gets
 * its own fresh id. Unknown names stay as written (the linter refuses them).
 */
export function expandLessonText(text: string, vars: LessonVariables, newId: () => string = freshId): string {
  return replaceVariables(text, vars, newId, true);
}

/** The same for prose and check values, which are compared or shown as they are, not parsed as XML. */
export function expandPlainText(text: string, vars: LessonVariables, newId: () => string = freshId): string {
  return replaceVariables(text, vars, newId, false);
}

/** The {{names}} in `text` that are not lesson variables. */
export function unknownVariables(text: string): string[] {
  return variableNames(text).filter((name) => !KNOWN.has(name));
}

/**
 * A draft written against one session's values, rewritten for the next session's (New
 * session draws a fresh account, room, stranger…): every old value that changed becomes
 * the new one, as it was written (XML-escaped) or plain. Longest values first, in one pass,
 * so a JID is replaced whole before its username, and a new value is never replaced again.
 */
/** Every variable as its own {{name}}: carryVariables(text, values, PLACEHOLDERS) gives the text as a template again (no account, no password). */
export const PLACEHOLDERS = Object.fromEntries(LESSON_VARIABLE_NAMES.map((name) => [name, `{{${name}}}`])) as LessonVariables;

export function carryVariables(text: string, from: LessonVariables, to: LessonVariables): string {
  const replacements = new Map<string, string>();
  for (const name of LESSON_VARIABLE_NAMES) {
    if (name === "id" || from[name] === "" || from[name] === to[name]) continue;
    replacements.set(from[name], to[name]);
    replacements.set(escapeXml(from[name]), escapeXml(to[name]));
  }
  if (replacements.size === 0) return text;
  const pattern = new RegExp([...replacements.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "g");
  return text.replace(pattern, (old) => replacements.get(old) ?? old);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function replaceVariables(text: string, vars: LessonVariables, newId: () => string, escape: boolean): string {
  const values: Record<string, string> = {};
  for (const name of LESSON_VARIABLE_NAMES) if (name !== "id") values[name] = vars[name];
  return expandVariables(text, values, { newId, escape }).text;
}

function randomSuffix(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(36).padStart(2, "0")).join("").slice(0, 6);
}
