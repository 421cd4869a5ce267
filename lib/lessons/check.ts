import type { TranscriptEntry } from "../xmpp/entry";
import { jidMatches, sameJid } from "../xmpp/jid-match";
import type { CheckResult, Expectation, HasMatcher } from "./types";
import { expandVariables, type VariableValues } from "../xml/variables";
import { descendantsAt, parseTree, type XmlNode } from "./xml-tree";
import { NS_STANZA_ERRORS as NS_STANZAS, NS_STREAM_ERRORS } from "../xml/namespaces";
import { stanzaCount } from "./stream-management";
import { describeExpectation } from "./describe-expectation";

/**
 * The declarative step check (lessons/README.md): every expectation must be met by a
 * different entry of the step's window, at once. Pure and browser-safe: the lesson page
 * runs it on the live transcript, the headless runner on the same entries.
 */

/** Runners ping with these ids to know the server has caught up (README, barrier convention). */
export const BARRIER_ID_PREFIX = "lesson-barrier-";

/** Enough for any real step; a pathological check gives up rather than hang the page. */
const SEARCH_BUDGET = 100_000;

/**
 * `vars`: a lesson's variables, or a stanza script's (its accounts, captures: lib/scripts/),
 * so lessons and scripts share this one engine. `session`: the whole transcript the window
 * belongs to, barrier pings included, for matchers that count what came before the window
 * (`smCount`); the window itself when not given.
 */
export function evaluateCheck(check: readonly Expectation[], entries: readonly TranscriptEntry[], vars: VariableValues, session: readonly TranscriptEntry[] = entries): CheckResult {
  const expanded = check.map((expectation) => expandExpectation(expectation, vars));
  const window = withoutBarriers(entries);
  const trees = new TreeCache();
  const candidates = expanded.map((expectation) => window.filter((entry) => matchesEntry(expectation, entry, trees, session)));
  const { assignment, depth } = assign(expanded, candidates);
  const matched = expanded.map((_, index) => assignment[index]?.seq);
  if (depth === expanded.length) return { passed: true, matched };
  const failing = expanded[depth]!;
  const message = failing.missing ?? describeExpectation(failing);
  return { passed: false, matched, missing: { index: depth, message } };
}

/** A plain-English description of what an expectation waits for, for checks with no `missing:`. */
export function expandExpectation(expectation: Expectation, vars: VariableValues): Expectation {
  // Ids are never compared by value, so {{id}} has nothing to expand to here; values are compared, not parsed, so not escaped.
  const expand = (text: string) => expandVariables(text, vars, { newId: () => "", escape: false }).text;
  const expandRecord = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).map(([key, value]) => [key, expand(value)]));
  const copy: Expectation = { ...expectation };
  for (const key of ["stanza", "ns", "type", "to", "from", "missing"] as const) {
    const value = expectation[key];
    if (value !== undefined) copy[key] = expand(value);
  }
  if (expectation.attrs) copy.attrs = expandRecord(expectation.attrs);
  if (expectation.has) {
    copy.has = expectation.has.map((has) => ({
      ...has,
      ...(has.xmlns !== undefined ? { xmlns: expand(has.xmlns) } : {}),
      ...(has.attrs ? { attrs: expandRecord(has.attrs) } : {}),
      ...(has.text !== undefined ? { text: expand(has.text) } : {}),
      ...(has.contains !== undefined ? { contains: expand(has.contains) } : {}),
    }));
  }
  return copy;
}

/** Drops the runners' barrier pings, their answers, and any flag about them. */
export function withoutBarriers(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  const barriers = new Set<number>();
  for (const entry of entries) if (entry.attrs?.id?.startsWith(BARRIER_ID_PREFIX)) barriers.add(entry.seq);
  return entries.filter((entry) => {
    if (barriers.has(entry.seq)) return false;
    if (entry.pair !== undefined && barriers.has(entry.pair)) return false;
    return entry.kind !== "whitespace";
  });
}

/**
 * Parsed trees, kept per entry object across evaluations: the page re-runs the check on
 * every new entry, and an entry's raw text never changes once recorded.
 */
const PARSED = new WeakMap<TranscriptEntry, XmlNode | null>();

export class TreeCache {
  of(entry: TranscriptEntry): XmlNode | undefined {
    if (entry.dir === "event" || entry.kind === "malformed" || entry.kind === "stream-close") return undefined;
    let tree = PARSED.get(entry);
    if (tree === undefined) {
      tree = parseTree(entry.raw, entry.kind === "stream-open" && entry.name === "stream") ?? null;
      PARSED.set(entry, tree);
    }
    return tree ?? undefined;
  }
}

/**
 * Why an entry does not meet an expectation, one field at a time; the diagnosis
 * (diagnose.ts) shows these to the learner. `actual` is what the entry has, if anything.
 */
export interface Mismatch {
  field: "dir" | "event" | "kind" | "stanza" | "ns" | "type" | "to" | "from" | "attrs" | "has" | "error" | "smCount" | "answers" | "after";
  /** For attrs: the attribute's name; for has: the index of the matcher. */
  key?: string | number;
  expected?: string;
  actual?: string;
}

/** Everything about one entry that does not depend on the other expectations' entries. */
function matchesEntry(expectation: Expectation, entry: TranscriptEntry, trees: TreeCache, session: readonly TranscriptEntry[]): boolean {
  return entryMismatches(expectation, entry, trees, true, session).length === 0;
}

/**
 * The fields where `entry` differs from `expectation` (every one, or only the first when
 * `first` is set: the check itself needs no more). The one place an entry is compared.
 */
export function entryMismatches(expectation: Expectation, entry: TranscriptEntry, trees: TreeCache, first = false, session: readonly TranscriptEntry[] = [entry]): Mismatch[] {
  const found: Mismatch[] = [];
  // Records a difference; true when the caller should stop there.
  const differ = (field: Mismatch["field"], expected?: string, actual?: string, key?: string | number) => {
    found.push({ field, expected, actual, key });
    return first;
  };
  const { dir, event, kind, stanza, ns, type } = expectation;
  if (entry.dir !== dir && differ("dir", dir, entry.dir)) return found;
  // Events match by code (lib/xmpp/event-codes.ts), never by their sentence, which is for people.
  if (event !== undefined && !(entry.dir === "event" && entry.code === event) && differ("event", event, entry.code)) return found;
  if (kind !== undefined && entry.kind !== kind && differ("kind", kind, entry.kind)) return found;
  if (stanza !== undefined && entry.name !== stanza && differ("stanza", stanza, entry.name)) return found;
  if (ns !== undefined && entry.ns !== ns && differ("ns", ns, entry.ns)) return found;
  const attribute = (name: string): string | undefined => entry.attrs?.[name as keyof NonNullable<TranscriptEntry["attrs"]>] ?? trees.of(entry)?.attrs[name];
  if (type !== undefined && attribute("type") !== type && differ("type", type, attribute("type"))) return found;
  for (const field of ["to", "from"] as const) {
    const pattern = expectation[field];
    if (pattern !== undefined && !jidMatches(pattern, attribute(field)) && differ(field, pattern, attribute(field))) return found;
  }
  for (const [name, value] of Object.entries(expectation.attrs ?? {})) if (attribute(name) !== value && differ("attrs", value, attribute(name), name)) return found;
  // Parsed only when a matcher reads below the top-level element's outline.
  const tree = expectation.has?.length || expectation.error ? trees.of(entry) : undefined;
  for (const [index, has] of (expectation.has ?? []).entries()) if (!(tree && hasDescendant(tree, has)) && differ("has", undefined, undefined, index)) return found;
  if (expectation.error !== undefined && !errorMatches(expectation.error, entry, trees) && differ("error", undefined, tree && errorCondition(entry, tree))) return found;
  if (expectation.smCount !== undefined) {
    // XEP-0198 §4: h is the count of stanzas the sender of <a/> (or <resume/>) has received.
    const counted = stanzaCount(session, expectation.smCount, entry.seq);
    if (counted === undefined || attribute("h") !== String(counted)) differ("smCount", counted === undefined ? undefined : String(counted), attribute("h"));
    if (found.length > 0 && first) return found;
  }
  if (expectation.answers !== undefined && !(entry.kind === "iq" || entry.kind === "bind")) differ("answers", undefined, entry.kind);
  return found;
}

export function hasDescendant(tree: XmlNode, has: HasMatcher): boolean {
  return descendantsAt(tree, has.path).some((node) => {
    if (has.xmlns !== undefined && node.ns !== has.xmlns) return false;
    for (const [name, value] of Object.entries(has.attrs ?? {})) if (node.attrs[name] !== value) return false;
    if (has.text !== undefined && node.text.trim() !== has.text) return false;
    if (has.contains !== undefined && !node.text.includes(has.contains)) return false;
    return true;
  });
}

/**
 * Stream errors carry their condition as a child in the xmpp-streams namespace (RFC 6120
 * section 4.9.3); stanza errors in an <error/> child whose `type` says what to do next
 * (section 8.3.2), on a stanza of type "error".
 */
function errorMatches(matcher: NonNullable<Expectation["error"]>, entry: TranscriptEntry, trees: TreeCache): boolean {
  const tree = trees.of(entry);
  if (tree === undefined) return false;
  if (entry.kind === "stream-error") {
    if (matcher.type !== undefined) return false;
    return matcher.condition === undefined || errorCondition(entry, tree) === matcher.condition;
  }
  const error = stanzaError(tree);
  if (error === undefined) return false;
  if (matcher.type !== undefined && error.attrs.type !== matcher.type) return false;
  return matcher.condition === undefined || errorCondition(entry, tree) === matcher.condition;
}

/** The <error/> child of a stanza of type "error" (RFC 6120 section 8.3.2). */
export function stanzaError(tree: XmlNode): XmlNode | undefined {
  return tree.attrs.type === "error" ? tree.children.find((child) => child.name === "error") : undefined;
}

/** The defined condition of a stream error (section 4.9.3) or stanza error (section 8.3.3). */
export function errorCondition(entry: TranscriptEntry, tree: XmlNode): string | undefined {
  const holder = entry.kind === "stream-error" ? tree : stanzaError(tree);
  const ns = entry.kind === "stream-error" ? NS_STREAM_ERRORS : NS_STANZAS;
  return holder?.children.find((child) => child.ns === ns && child.name !== "text")?.name;
}

/**
 * Backtracking over the candidates, expectations in order (`answers` and `after` only name
 * earlier ones). Returns a full assignment, or the longest prefix that could be met.
 */
function assign(check: readonly Expectation[], candidates: readonly TranscriptEntry[][]): { assignment: (TranscriptEntry | undefined)[]; depth: number } {
  const indexByName = new Map<string, number>();
  check.forEach((expectation, index) => {
    if (expectation.name !== undefined && !indexByName.has(expectation.name)) indexByName.set(expectation.name, index);
  });
  const current: (TranscriptEntry | undefined)[] = [];
  const used = new Set<number>();
  let best: (TranscriptEntry | undefined)[] = [];
  let budget = SEARCH_BUDGET;

  const referenced = (name: string | undefined, index: number): TranscriptEntry | null | undefined => {
    if (name === undefined) return undefined;
    const target = indexByName.get(name);
    return target !== undefined && target < index ? (current[target] ?? null) : null;
  };
  const fits = (index: number, entry: TranscriptEntry): boolean => {
    const expectation = check[index]!;
    return relationMismatch(entry, referenced(expectation.answers, index), referenced(expectation.after, index)) === undefined;
  };
  const search = (index: number): boolean => {
    if (index > best.length) best = current.slice(0, index);
    if (index === check.length) return true;
    for (const entry of candidates[index]!) {
      if (--budget < 0) return false;
      if (used.has(entry.seq) || !fits(index, entry)) continue;
      current[index] = entry;
      used.add(entry.seq);
      if (search(index + 1)) return true;
      used.delete(entry.seq);
      current[index] = undefined;
    }
    return false;
  };
  const done = search(0);
  return done ? { assignment: current, depth: check.length } : { assignment: best, depth: best.length };
}

/**
 * `answers` and `after`, against the entries the earlier expectations they name matched
 * (undefined: the expectation names none; null: that one is not met).
 */
export function relationMismatch(entry: TranscriptEntry, request: TranscriptEntry | null | undefined, earlier: TranscriptEntry | null | undefined): Mismatch | undefined {
  if (request === null || (request !== undefined && !answers(entry, request))) return { field: "answers", expected: request ? String(request.seq) : undefined };
  if (earlier === null || (earlier !== undefined && entry.seq <= earlier.seq)) return { field: "after", expected: earlier ? String(earlier.seq) : undefined };
  return undefined;
}

/**
 * RFC 6120 section 8.2.3: a result or error answers the get or set with the same id,
 * travelling the other way. The transcript pairs them (lib/xmpp/iq-pairing.ts, which
 * also checks the reply comes from where the request went); without a pair, the id,
 * direction and addressing decide.
 */
export function answers(response: TranscriptEntry, request: TranscriptEntry): boolean {
  const reply = response.attrs;
  const asked = request.attrs;
  if (reply === undefined || asked === undefined) return false;
  if (reply.type !== "result" && reply.type !== "error") return false;
  if (asked.type !== "get" && asked.type !== "set") return false;
  if (response.pair !== undefined) return response.pair === request.seq;
  if (response.dir === request.dir || response.seq <= request.seq) return false;
  if (reply.id === undefined || reply.id !== asked.id) return false;
  return asked.to === undefined || reply.from === undefined || sameJid(asked.to, reply.from);
}
