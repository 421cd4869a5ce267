import type { TranscriptEntry } from "../xmpp/entry";
import { NS_SM_2, NS_SM_3 } from "../xml/namespaces";
import { expandVariables } from "../xml/variables";
import { parseTree } from "./xml-tree";
import { expandLessonText, type LessonVariables } from "./variables";

/**
 * Stream management (XEP-0198) as the lesson counts it, from the transcript alone. Both
 * sides count the stanzas (message, presence, iq: XEP-0198 §4) they *received* since stream
 * management began: the server's <enabled/> (§3) or <resumed/> (§5). An <a h='N'/> reports
 * that count; <resume h='N'/> reports it for the connection that was lost. Nonzas (<r/>,
 * <a/>, <enabled/>) are not counted. Pure and browser-safe: the check engine, the page's
 * Solve and the headless runner share it.
 */

const STANZAS = new Set(["message", "presence", "iq"]);

function smElement(entry: TranscriptEntry, dir: TranscriptEntry["dir"], name: string): boolean {
  return entry.dir === dir && entry.name === name && (entry.ns === NS_SM_3 || entry.ns === NS_SM_2);
}

function attribute(entry: TranscriptEntry, name: string): string | undefined {
  return parseTree(entry.raw, false)?.attrs[name];
}

function count(value: string | undefined): number {
  const number = Number(value);
  return Number.isInteger(number) && number >= 0 ? number : 0;
}

interface Anchor {
  /** The <enabled/> or <resumed/> that started the counting. */
  entry: TranscriptEntry;
  /** Counting starts after these seqs: stanzas the server sent after its element, ours after our request. */
  inAfter: number;
  outAfter: number;
  /** What each count starts from: 0 after <enabled/>; after <resumed/>, the h values exchanged (§5). */
  inBase: number;
  outBase: number;
  /** The connection carrying it ends before this seq (the next "connected" event), if it did. */
  endsBefore: number;
}

/** The latest <enabled/> or <resumed/> before `beforeSeq`, with where its counts start. */
function anchorBefore(entries: readonly TranscriptEntry[], beforeSeq: number): Anchor | undefined {
  let found: number | undefined;
  for (let index = 0; index < entries.length && entries[index]!.seq < beforeSeq; index++) {
    const entry = entries[index]!;
    if (smElement(entry, "in", "enabled") || smElement(entry, "in", "resumed")) found = index;
  }
  if (found === undefined) return undefined;
  const entry = entries[found]!;
  const request = entries.slice(0, found).findLast((candidate) => smElement(candidate, "out", entry.name === "enabled" ? "enable" : "resume"));
  const next = entries.slice(found + 1).find((candidate) => candidate.dir === "event" && candidate.code === "connected");
  const resumed = entry.name === "resumed";
  return {
    entry,
    inAfter: entry.seq,
    outAfter: request?.seq ?? entry.seq,
    // §5: <resume h/> is what the client had handled; <resumed h/> what the server had.
    inBase: resumed && request ? count(attribute(request, "h")) : 0,
    outBase: resumed ? count(attribute(entry, "h")) : 0,
    endsBefore: next?.seq ?? Number.POSITIVE_INFINITY,
  };
}

/**
 * How many stanzas went `dir` ("in": the server sent them; "out": the learner did) since
 * stream management began on the connection of the latest <enabled/>/<resumed/> before
 * `beforeSeq`, up to `beforeSeq` or that connection's end; undefined when it never began.
 * The runners' barrier pings count too: they crossed the wire, and the server counted them.
 */
export function stanzaCount(entries: readonly TranscriptEntry[], dir: "in" | "out", beforeSeq: number): number | undefined {
  const anchor = anchorBefore(entries, beforeSeq);
  if (anchor === undefined) return undefined;
  const after = dir === "in" ? anchor.inAfter : anchor.outAfter;
  const until = Math.min(beforeSeq, anchor.endsBefore);
  let total = dir === "in" ? anchor.inBase : anchor.outBase;
  for (const entry of entries) {
    if (entry.seq <= after || entry.seq >= until) continue;
    if (entry.dir === dir && entry.kind !== "malformed" && entry.name !== undefined && STANZAS.has(entry.name)) total++;
  }
  return total;
}

export type StreamManagementValues = { ok: true; values: { "sm.h": string; "sm.id": string } } | { ok: false; reason: string };

/**
 * What a learner's <a h/> or <resume h previd/> should say now: the stanzas received on the
 * latest stream-managed connection (to its end, if it was lost) and the id its <enabled/> gave
 * (XEP-0198 §3: the `previd` of a later <resume/>). Solve and the runners fill the steps'
 * `{{sm.h}}` and `{{sm.id}}` with them.
 */
export function streamManagementValues(entries: readonly TranscriptEntry[]): StreamManagementValues {
  const last = entries.at(-1);
  const anchor = last === undefined ? undefined : anchorBefore(entries, last.seq + 1);
  if (anchor === undefined) return { ok: false, reason: "stream management is not enabled on this session yet: send <enable/> after binding and wait for <enabled/>." };
  const h = stanzaCount(entries, "in", last!.seq + 1) ?? 0;
  const enabled = anchor.entry.name === "enabled" ? anchor.entry : entries.findLast((entry) => smElement(entry, "in", "enabled") && entry.seq < anchor.entry.seq);
  const id = enabled === undefined ? undefined : attribute(enabled, "id");
  return { ok: true, values: { "sm.h": String(h), "sm.id": id ?? "" } };
}

/** The names `streamManagementValues` fills, which only steps with `calculator: stream-management` may use. */
export const STREAM_MANAGEMENT_VARIABLES = ["sm.h", "sm.id"] as const;

/**
 * The answer Solve writes for a `calculator: stream-management` step: the solution file with
 * the lesson's variables, then `{{sm.h}}` and `{{sm.id}}` from this session's wire.
 */
export function streamManagementAnswer(solution: string, entries: readonly TranscriptEntry[], variables: LessonVariables): { ok: true; text: string } | { ok: false; reason: string } {
  const found = streamManagementValues(entries);
  if (!found.ok) return found;
  return { ok: true, text: expandVariables(expandLessonText(solution, variables), found.values).text };
}
