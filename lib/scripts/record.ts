import type { TranscriptEntry } from "../xmpp/entry";
import { bareJid } from "../xml/variables";
import { countNoun } from "../count-noun";

/**
 * A stanza script made from what a session sent (issue 14, "Record"): each stanza the person
 * sent becomes a step. What differs on every run becomes a variable: the stanza's id ({{id}},
 * fresh at each use, RFC 6120 §8.1.3), the session's own full and bare JIDs (the resource is
 * the server's choice, RFC 6120 §7.6) and the domain. What the server answered becomes the
 * step's default expectation: an answer of the same kind and type (an iq's by its id, `answers:`;
 * a message's or presence's error after it, `after:`), and the same error
 * condition (RFC 6120 §8.3.3), which the person can then loosen or tighten.
 */

export interface Recording {
  /** The entries to make the script from (a session's, from a point on), in seq order. */
  entries: readonly TranscriptEntry[];
  /** The full JID the session bound. */
  jid: string;
  domain: string;
  /** The account's name in the script ({{alice}}). */
  account?: string;
  name?: string;
}

const STANZAS = new Set(["message", "presence", "iq"]);

export function recordScript(recording: Recording): string {
  const account = recording.account ?? "alice";
  const { entries, jid, domain } = recording;
  const sent = entries.filter((entry) => entry.dir === "out" && STANZAS.has(entry.kind) && !entry.auto && !entry.redacted);
  if (sent.length === 0) throw new Error("Nothing was sent in these entries: a recorded script needs at least one stanza you sent.");
  const lines = [`name: ${yamlScalar(recording.name ?? `Recorded ${countNoun(sent.length, "stanza")}`)}`, "accounts:", `  ${account}: fresh`, "steps:"];
  const variables = jidVariables(account, jid, domain);
  for (const entry of sent) {
    const stanza = entry.kind;
    const type = entry.attrs?.type;
    const answer = answerTo(entry, entries);
    lines.push(`  - name: ${yamlScalar(`${stanza}${type ? ` ${type}` : ""}${entry.attrs?.to ? ` to ${generalize(entry.attrs.to, variables, domain)}` : ""}`)}`);
    lines.push(`    send: ${blockScalar(generalize(entry.raw.replace(/(\sid=)(["'])[^"']*\2/, "$1$2{{id}}$2"), variables, domain), "      ")}`);
    lines.push("    expect:");
    lines.push(`      - { ${fields([["name", "sent"], ["dir", "out"], ["stanza", stanza], ["type", type]])} }`);
    if (answer) {
      const condition = answer.attrs?.type === "error" ? answer.error : undefined;
      const error = condition ? `, error: { condition: ${yamlScalar(condition)} }` : "";
      lines.push(`      - { ${fields([["dir", "in"], ["stanza", answer.kind], ["type", answer.attrs?.type], answer.kind === "iq" ? ["answers", "sent"] : ["after", "sent"]])}${error} }`);
    }
  }
  lines.push("");
  return lines.join("\n");
}

/** The entry that answered a sent stanza: an iq's paired result or error, or any stanza's error with its id (RFC 6120 §8.3.1). */
function answerTo(sent: TranscriptEntry, entries: readonly TranscriptEntry[]): TranscriptEntry | undefined {
  const later = entries.filter((entry) => entry.dir === "in" && entry.seq > sent.seq);
  if (sent.kind === "iq") return later.find((entry) => entry.pair === sent.seq) ?? later.find((entry) => entry.kind === "iq" && entry.attrs?.id === sent.attrs?.id && entry.attrs?.id !== undefined);
  const id = sent.attrs?.id;
  return id === undefined ? undefined : later.find((entry) => entry.kind === sent.kind && entry.attrs?.type === "error" && entry.attrs?.id === id);
}

/** Longest first: the full JID before the bare one, both before the domain. */
function jidVariables(account: string, jid: string, domain: string): [string, string][] {
  const pairs: [string, string][] = [[jid, `{{${account}.full}}`], [bareJid(jid), `{{${account}}}`]];
  return pairs.filter(([literal]) => literal.length > 0 && literal !== domain);
}

function generalize(text: string, variables: readonly [string, string][], domain: string): string {
  let out = text;
  for (const [literal, variable] of variables) out = out.split(literal).join(variable);
  if (domain === "") return out;
  // The domain alone, or as the last label of a service (conference.localhost), never inside a longer name.
  const escaped = domain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return out.replace(new RegExp(`(?<=^|[@.'"/>\\s])${escaped}(?=$|[/'"<\\s])`, "g"), "{{domain}}");
}

/** A plain YAML scalar when it is one, else a double-quoted one (JSON's strings are YAML's, YAML 1.2 §7.3.1). */
function yamlScalar(text: string): string {
  return /^[A-Za-z0-9{][^:#'"\n]*$/.test(text) && !/^(true|false|null|yes|no|~|[\d.]+)$/i.test(text) && !text.startsWith("{") ? text : JSON.stringify(text);
}

/** The XML as a literal block (YAML 1.2 §8.1.2): no quoting, whatever it holds. */
function blockScalar(text: string, indent: string): string {
  return `|-\n${text.split("\n").map((line) => `${indent}${line}`).join("\n")}`;
}

/** The inside of a flow mapping, leaving out fields without a value. */
function fields(pairs: readonly (readonly [string, string | undefined])[]): string {
  return pairs.flatMap(([key, value]) => (value === undefined ? [] : [`${key}: ${yamlScalar(value)}`])).join(", ");
}
