import { freshId } from "../xml/templates";

/**
 * The values a lesson's text is written against (lessons/README.md, "Variables"). Each
 * session draws its own, so many learners can share one server without meeting.
 * Browser-safe: no Node modules.
 */
export interface LessonVariables {
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
}

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
  "id",
] as const;

export type LessonVariableName = (typeof LESSON_VARIABLE_NAMES)[number];

const KNOWN = new Set<string>(LESSON_VARIABLE_NAMES);
const VARIABLE = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;
const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

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
  };
}

/** RFC 4616 section 2: authzid (empty) NUL authcid NUL password, UTF-8, base64 (RFC 6120 section 6.4.2). */
export function saslPlain(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`\0${username}\0${password}`);
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
  return replaceVariables(text, vars, newId, escapeXml);
}

/** The same for prose and check values, which are compared or shown as they are, not parsed as XML. */
export function expandPlainText(text: string, vars: LessonVariables, newId: () => string = freshId): string {
  return replaceVariables(text, vars, newId, (value) => value);
}

/** The {{names}} in `text` that are not lesson variables. */
export function unknownVariables(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((match) => match[1]!).filter((name) => !KNOWN.has(name));
}

function replaceVariables(text: string, vars: LessonVariables, newId: () => string, escape: (value: string) => string): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    if (name === "id") return escape(newId());
    if (!KNOWN.has(name)) return whole;
    return escape(vars[name as Exclude<LessonVariableName, "id">]);
  });
}

function randomSuffix(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(36).padStart(2, "0")).join("").slice(0, 6);
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char);
}
