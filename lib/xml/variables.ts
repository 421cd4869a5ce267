import { escapeXml } from "./escape";

/**
 * The one `{{variable}}` engine, for the workbench's editor and templates and for the lessons'
 * starters, solutions, prose and checks. Names mean the same everywhere:
 *
 *   {{me}}       your bare JID (alice@localhost)
 *   {{me.full}}  your full JID once bound (alice@localhost/laptop); not known before
 *   {{id}}       a fresh id at each occurrence
 *
 * Each caller brings the values it knows (a lesson knows its account, the workbench its
 * session); a name without a value stays as written and is reported.
 */

/** `{{ name }}`, with dotted names such as `me.full`. */
const VARIABLE = /\{\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}\}/g;

/** Values by name; `id` is never among them: it is drawn fresh per occurrence. */
export type VariableValues = Readonly<Record<string, string>>;

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
  /** `{{x}}` with a name that has no value: left as it is. */
  unknown: UnknownVariable[];
}

export interface ExpandOptions {
  newId?: () => string;
  /** XML-escape values (they land in attribute values and text); off for prose and check values. */
  escape?: boolean;
}

export function expandVariables(text: string, values: VariableValues, options: ExpandOptions = {}): Expansion {
  const newId = options.newId ?? freshId;
  const escape = options.escape ?? true;
  const replacements: Replacement[] = [];
  const unknown: UnknownVariable[] = [];
  let output = "";
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1]!;
    const from = match.index;
    const to = from + match[0].length;
    const value = name === "id" ? newId() : Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      unknown.push({ name, offset: from, length: match[0].length });
      continue;
    }
    output += text.slice(last, from);
    const shown = escape ? escapeXml(value) : value;
    replacements.push({ name, value, from, to, expandedFrom: output.length, expandedTo: output.length + shown.length });
    output += shown;
    last = to;
  }
  output += text.slice(last);
  return { text: output, replacements, unknown };
}

/** The names written as `{{name}}` in `text`, in order. */
export function variableNames(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((match) => match[1]!);
}

/** The values every caller derives the same way from a JID: `me`, `me.full` (when bound) and `nick`. */
export function identityValues(jid: string): { me: string; "me.full"?: string; nick: string } {
  const bare = bareJid(jid);
  return { me: bare, ...(jid.includes("/") ? { "me.full": jid } : {}), nick: nickOf(jid) };
}

/** RFC 7622 section 3.1: the bare JID is the full JID without its resource. */
export function bareJid(jid: string): string {
  const slash = jid.indexOf("/");
  return slash === -1 ? jid : jid.slice(0, slash);
}

/** The local part of a JID, as a room nickname; "learner" before you are online. */
export function nickOf(jid: string): string {
  const bare = bareJid(jid);
  const at = bare.indexOf("@");
  return at > 0 ? bare.slice(0, at) : "learner";
}

let counter = 0;

/** Short, readable and unique enough to pair requests with answers in one session. */
export function freshId(): string {
  counter = (counter + 1) % 1_000_000;
  return `pg-${Math.random().toString(36).slice(2, 7)}${counter.toString(36)}`;
}
