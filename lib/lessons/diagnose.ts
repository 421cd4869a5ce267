import type { TranscriptEntry } from "../xmpp/entry";
import { sameJid } from "../xmpp/jid-match";
import { parse } from "@xmpp/jid";
import { NS_BIND, NS_MUC_USER, NS_SASL, NS_STANZA_ERRORS, NS_STREAM_ERRORS } from "../xml/namespaces";
import {
  entryMismatches,
  errorCondition,
  expandExpectation,
  relationMismatch,
  stanzaError,
  TreeCache,
  withoutBarriers,
  type Mismatch,
} from "./check";
import type { CheckResult, Expectation, HasMatcher } from "./types";
import type { VariableValues } from "../xml/variables";
import { descendantsAt, type XmlNode } from "./xml-tree";

/**
 * Feedback about the learner's own attempt (issue 12): for the first expectation a step's
 * check could not meet, the entry of the learner's window that came closest and what in it
 * differs, the server's refusal when there was one, and whether this session can still pass
 * at all. Loaded on demand by the lesson page (components/lessons/use-diagnosis.ts); it
 * compares through check.ts, so the check and its explanation never disagree.
 */

export interface ServerRefusal {
  /** The error entry. */
  seq: number;
  /** The defined condition (RFC 6120 section 8.3.3) or stream error condition (section 4.9.3). */
  condition?: string;
  /** Stanza errors: cancel, continue, modify, auth, wait (section 8.3.2). */
  type?: string;
  /** The server's human-readable <text/> (section 8.3.2), if it sent one. */
  text?: string;
}

export interface Diagnosis {
  /** Which expectation failed, and its authored `missing` text. */
  index: number;
  missing: string;
  /** The window's entry that came closest, and what in it differs, in plain words. */
  closest?: { seq: number; differences: string[] };
  refusal?: ServerRefusal;
  /** Set when this session can no longer pass the step: what it already did, and where. */
  stuck?: { seq: number; text: string };
}

export interface DiagnoseInput {
  check: readonly Expectation[];
  /** The whole session's transcript: what the session already did before this step. */
  session: readonly TranscriptEntry[];
  /** The step's window (step-window.ts). */
  window: readonly TranscriptEntry[];
  variables: VariableValues;
  result: CheckResult;
}

export function diagnoseStep({ check, session, window, variables, result }: DiagnoseInput): Diagnosis | null {
  if (result.passed || result.missing === undefined) return null;
  const expanded = check.map((expectation) => expandExpectation(expectation, variables));
  const entries = withoutBarriers(window);
  const trees = new TreeCache();
  const bySeq = new Map(entries.map((entry) => [entry.seq, entry]));
  const index = result.missing.index;
  const expectation = expanded[index]!;
  const matchedEntry = (name: string | undefined): TranscriptEntry | null | undefined => {
    if (name === undefined) return undefined;
    const target = expanded.findIndex((candidate) => candidate.name === name);
    const seq = target >= 0 && target < index ? result.matched[target] : undefined;
    return seq === undefined ? null : (bySeq.get(seq) ?? null);
  };
  const request = matchedEntry(expectation.answers);
  const earlier = matchedEntry(expectation.after);
  const taken = new Set(result.matched.slice(0, index).filter((seq): seq is number => seq !== undefined));

  let best: { entry: TranscriptEntry; mismatches: Mismatch[]; rank: number[] } | undefined;
  for (const entry of entries) {
    if (taken.has(entry.seq) || entry.dir !== expectation.dir) continue;
    const mismatches = entryMismatches(expectation, entry, trees, false, session);
    const relation = relationMismatch(entry, request, earlier);
    if (relation) mismatches.push(relation);
    const sameKind = mismatches.some((mismatch) => mismatch.field === "stanza" || mismatch.field === "kind" || mismatch.field === "event") ? 1 : 0;
    // Same kind of element first, then the fewest differences, then the latest attempt.
    const rank = [sameKind, mismatches.length, -entry.seq];
    if (best === undefined || lexicallyBefore(rank, best.rank)) best = { entry, mismatches, rank };
  }

  const diagnosis: Diagnosis = { index, missing: result.missing.message };
  if (best) {
    diagnosis.closest = { seq: best.entry.seq, differences: best.mismatches.map((mismatch) => explain(mismatch, expectation, best.entry, trees, request, earlier)) };
  }
  const refusal = (best && refusalOf(best.entry, entries, trees)) ?? firstRefusalOf(result.matched.slice(0, index), bySeq, entries, trees);
  if (refusal) diagnosis.refusal = refusal;
  const stuck = stuckReason(expanded.slice(index), session, entries, trees);
  if (stuck) diagnosis.stuck = stuck;
  return diagnosis;
}

function lexicallyBefore(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

const quoted = (value: string | undefined) => (value === undefined ? "none" : `"${value}"`);

/** One difference in words: what the entry has, and what the step expects. */
function explain(mismatch: Mismatch, expectation: Expectation, entry: TranscriptEntry, trees: TreeCache, request: TranscriptEntry | null | undefined, earlier: TranscriptEntry | null | undefined): string {
  const { field, expected, actual } = mismatch;
  switch (field) {
    case "dir":
      return `it went the other way (${actual}); this step expects ${expected}`;
    case "event":
      return `it is the "${actual ?? "?"}" event; this step waits for "${expected}"`;
    case "kind":
      return `it is a ${actual} entry; this step expects a ${expected} entry`;
    case "stanza":
      return `it is a <${actual ?? "?"}/>; this step expects a <${expected}/>`;
    case "ns":
      return `its namespace is ${quoted(actual)}; this step expects "${expected}"`;
    case "type":
    case "attrs": {
      const name = field === "type" ? "type" : String(mismatch.key);
      return actual === undefined ? `it has no ${name} attribute; this step expects ${name}="${expected}"` : `${name} is "${actual}"; this step expects "${expected}"`;
    }
    case "to":
    case "from":
      return explainJid(field, expected!, actual);
    case "has":
      return explainHas(trees.of(entry), expectation.has![mismatch.key as number]!);
    case "error": {
      const wanted = expectation.error!;
      const tree = trees.of(entry);
      const type = tree ? stanzaError(tree)?.attrs.type : undefined;
      if (actual === undefined) return `it is not an error; this step expects the error ${wanted.condition ?? ""}${wanted.type ? ` of type ${wanted.type}` : ""}`.trim();
      if (wanted.condition !== undefined && wanted.condition !== actual) return `its error condition is <${actual}/>; this step expects <${wanted.condition}/>`;
      return `its error type is ${quoted(type)}; this step expects "${wanted.type}"`;
    }
    case "smCount":
      return explainCount(expectation.smCount!, expected, actual);
    case "answers":
      if (request === undefined || actual !== undefined) return `it is a ${actual} entry; only an iq can answer a request`;
      if (request === null) return "the request it should answer has not been sent yet";
      if (entry.attrs?.type !== "result" && entry.attrs?.type !== "error") return `it is not an answer (type ${quoted(entry.attrs?.type)}); this step expects the result or error for #${request.seq}`;
      return `it does not answer #${request.seq}: its id is ${quoted(entry.attrs?.id)}, the request's is ${quoted(request.attrs?.id)} (RFC 6120 §8.2.3)`;
    case "after":
      return earlier ? `it came before #${earlier.seq}; this step expects it after` : "the entry it must follow is not there yet";
  }
}

/**
 * XEP-0198 §4: an <a/> (or <resume/>) reports how many stanzas its sender received since
 * <enabled/>. What ejabberd 23.01 does with a wrong one (mod_stream_mgmt, measured): a count
 * above what it sent ends the stream with <undefined-condition/>; a lower one is taken
 * without a word, and the stanzas it does not cover stay queued, to be sent again on resumption.
 */
function explainCount(dir: "in" | "out", expected: string | undefined, actual: string | undefined): string {
  if (expected === undefined) return "stream management was not enabled (no <enabled/> from the server) on this connection before it, so there is nothing to count";
  const whose = dir === "in" ? "the server sent you" : "you sent";
  if (actual === undefined) return `it has no h attribute; this step expects h="${expected}", the stanzas (message, presence, iq) ${whose} since <enabled/>`;
  const said = Number(actual);
  const wanted = Number(expected);
  const hint =
    dir !== "in" || !Number.isFinite(said)
      ? ""
      : said > wanted
        ? ": more than the server sent, which ejabberd answers with the stream error <undefined-condition/> and ends the stream"
        : ": fewer than arrived; ejabberd accepts that silently and keeps the rest queued as unacknowledged, to send them again if the stream is resumed";
  return `h is "${actual}", but ${expected} stanza${wanted === 1 ? "" : "s"} (message, presence, iq) ${whose} since <enabled/>; <r/>, <a/> and <enabled/> are not stanzas and do not count${hint}`;
}

/** JID-aware, as the check compares (RFC 7622 section 3): a bare pattern takes any resource. */
function explainJid(field: "to" | "from", expected: string, actual: string | undefined): string {
  if (actual === undefined) return `it has no ${field} attribute; this step expects ${field}="${expected}"`;
  const wanted = tryJid(expected);
  const seen = tryJid(actual);
  if (wanted?.resource && seen && wanted.bare().equals(seen.bare())) {
    return seen.resource ? `${field} is ${actual}: the right address but resource "${seen.resource}"; this step expects "${wanted.resource}" (${expected})` : `${field} is the bare JID ${actual}; this step expects the full JID ${expected}`;
  }
  return `${field} is ${actual}; this step expects ${expected}${wanted && !wanted.resource ? " (or any of its resources)" : ""}`;
}

function tryJid(text: string) {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** Why no descendant meets a `has` matcher: the first part of its path that is not there, or the value that differs. */
function explainHas(tree: XmlNode | undefined, has: HasMatcher): string {
  if (tree === undefined) return "it is not well-formed XML, so its children cannot be read";
  const parts = has.path.split("/");
  let level = [tree];
  for (const [depth, name] of parts.entries()) {
    const next = level.flatMap((parent) => parent.children.filter((child) => child.name === name));
    if (next.length === 0) return depth === 0 ? `no <${name}/> child` : `no <${name}/> inside <${parts[depth - 1]}/>`;
    level = next;
  }
  const last = parts.at(-1)!;
  const nodes = descendantsAt(tree, has.path);
  const inNamespace = has.xmlns === undefined ? nodes : nodes.filter((node) => node.ns === has.xmlns);
  if (inNamespace.length === 0) return `<${last}/> is in namespace ${quoted(nodes[0]!.ns || undefined)}; this step expects "${has.xmlns}"`;
  for (const [name, value] of Object.entries(has.attrs ?? {})) {
    const values = inNamespace.map((node) => node.attrs[name]);
    if (!values.includes(value)) {
      const seen = values.filter((found): found is string => found !== undefined);
      return seen.length === 0 ? `<${last}/> has no ${name} attribute; this step expects ${name}="${value}"` : `<${last}/> has ${seen.map((found) => `${name}="${found}"`).join(", ")}; this step expects ${name}="${value}"`;
    }
  }
  const text = inNamespace[0]!.text.trim();
  if (has.text !== undefined) return `<${last}/> holds ${quoted(text)}; this step expects "${has.text}"`;
  if (has.contains !== undefined) return `<${last}/> holds ${quoted(text)}, without "${has.contains}"`;
  return `<${last}/> is there, but not as this step expects`;
}

/**
 * The server's refusal of an entry (RFC 6120 section 8.3): the entry itself when it is an
 * error, or the error stanza answering the learner's stanza. An error echoes the id of the
 * stanza it answers (section 8.3.1), none when it had none; the transcript pairs iq answers
 * by id (lib/xmpp/iq-pairing.ts).
 */
function refusalOf(entry: TranscriptEntry, entries: readonly TranscriptEntry[], trees: TreeCache): ServerRefusal | undefined {
  if (entry.dir === "in") return readRefusal(entry, trees);
  if (entry.dir !== "out" || !["message", "presence", "iq", "bind"].includes(entry.kind)) return undefined;
  for (const later of entries) {
    if (later.seq <= entry.seq) continue;
    // Without an id, only an error before the learner's next stanza of the same kind can be this one's.
    if (entry.attrs?.id === undefined && later.dir === "out" && later.name === entry.name) return undefined;
    if (later.dir !== "in" || later.name !== entry.name || later.attrs?.type !== "error") continue;
    const paired = later.pair !== undefined ? later.pair === entry.seq : later.attrs.id === entry.attrs?.id;
    const to = entry.attrs?.to;
    const from = later.attrs.from;
    if (paired && (later.pair !== undefined || to === undefined || from === undefined || sameJid(to, from))) return readRefusal(later, trees);
  }
  return undefined;
}

function firstRefusalOf(seqs: readonly (number | undefined)[], bySeq: ReadonlyMap<number, TranscriptEntry>, entries: readonly TranscriptEntry[], trees: TreeCache): ServerRefusal | undefined {
  for (const seq of seqs) {
    const entry = seq === undefined ? undefined : bySeq.get(seq);
    const refusal = entry?.dir === "out" ? refusalOf(entry, entries, trees) : undefined;
    if (refusal) return refusal;
  }
  return undefined;
}

function readRefusal(entry: TranscriptEntry, trees: TreeCache): ServerRefusal | undefined {
  const tree = trees.of(entry);
  if (tree === undefined) return undefined;
  const stream = entry.kind === "stream-error";
  const holder = stream ? tree : stanzaError(tree);
  if (holder === undefined) return undefined;
  const refusal: ServerRefusal = { seq: entry.seq };
  const condition = errorCondition(entry, tree);
  if (condition !== undefined) refusal.condition = condition;
  if (!stream && holder.attrs.type !== undefined) refusal.type = holder.attrs.type;
  const text = holder.children.find((child) => child.name === "text" && child.ns === (stream ? NS_STREAM_ERRORS : NS_STANZA_ERRORS))?.text.trim();
  if (text) refusal.text = text;
  return refusal;
}

/**
 * Negotiations a session does once (RFC 6120: no STARTTLS offered after TLS, section 5.4.3.3;
 * no SASL after <success/>, section 6.4.6; one resource per stream, section 7.1): the
 * session's event says it is done, and a step waiting for it again cannot pass on this session.
 */
const ONCE: { event: "tls-established" | "authenticated" | "bound"; did: string; concerns(expectation: Expectation): boolean }[] = [
  { event: "tls-established", did: "negotiated TLS", concerns: (e) => e.event === "tls-established" || e.kind === "tls" || e.stanza === "starttls" || e.stanza === "proceed" },
  { event: "authenticated", did: "authenticated (SASL <success/>)", concerns: (e) => e.kind === "sasl" || (e.ns === NS_SASL && (e.stanza === "auth" || e.stanza === "success")) },
  { event: "bound", did: "bound a resource", concerns: (e) => e.kind === "bind" || (e.has ?? []).some((has) => has.path.split("/")[0] === "bind" && has.xmlns === NS_BIND) },
];

/**
 * Conservative: an expectation still to be met blocks the step only when the session's state
 * makes it unrepeatable and (for the one-time negotiations) nothing in the window meets it.
 */
function stuckReason(remaining: readonly Expectation[], session: readonly TranscriptEntry[], window: readonly TranscriptEntry[], trees: TreeCache): Diagnosis["stuck"] {
  // Once per stream: a connection dropped and dialled again (a step's `action`) starts over.
  const connected = session.findLast((entry) => entry.dir === "event" && entry.code === "connected")?.seq ?? 0;
  for (const expectation of remaining) {
    // A creation self-presence already in the window came before the join the check wants, or the check would pass.
    const joined = roomStillJoined(expectation, session, trees);
    if (joined) return joined;
    if (window.some((entry) => entryMismatches(expectation, entry, trees, true).length === 0)) continue;
    for (const once of ONCE) {
      if (!once.concerns(expectation)) continue;
      const done = session.find((entry) => entry.dir === "event" && entry.code === once.event && entry.seq > connected);
      if (done) return { seq: done.seq, text: `This session already ${once.did} (#${done.seq}), and a stream does that only once: start a New session and Replay the earlier steps.` };
    }
  }
  return undefined;
}

/**
 * XEP-0045 §10.1.1: status 201 comes only in the self-presence (status 110) that creates a
 * room. While this session is still in the room, joining again only updates its presence.
 */
function roomStillJoined(expectation: Expectation, session: readonly TranscriptEntry[], trees: TreeCache): Diagnosis["stuck"] {
  if (expectation.dir !== "in" || expectation.stanza !== "presence" || expectation.from === undefined) return undefined;
  const wantsCreation = (expectation.has ?? []).some((has) => has.path === "x/status" && has.attrs?.code === "201");
  const room = tryJid(expectation.from)?.bare();
  if (!wantsCreation || room === undefined) return undefined;
  let joined: TranscriptEntry | undefined;
  for (const entry of session) {
    if (entry.dir !== "in" || entry.name !== "presence" || entry.attrs?.from === undefined) continue;
    const from = tryJid(entry.attrs.from);
    const tree = trees.of(entry);
    if (!from || !from.bare().equals(room) || tree === undefined) continue;
    const self = descendantsAt(tree, "x/status").some((status) => status.ns === NS_MUC_USER && status.attrs.code === "110");
    if (!self) continue;
    joined = entry.attrs.type === "unavailable" ? undefined : entry;
  }
  if (joined === undefined) return undefined;
  return {
    seq: joined.seq,
    text: `This session already joined ${room.toString()} (#${joined.seq}) and is still in it, so the room will not announce its creation (status 201) again: leave it with presence of type "unavailable", or start a New session and Replay the earlier steps.`,
  };
}
