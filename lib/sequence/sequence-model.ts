import { parseElement, type ElementOutline } from "../xml/parse-element";
import { NS_MUC, NS_MUC_ADMIN, NS_MUC_OWNER, NS_MUC_USER } from "../xml/namespaces";
import type { Direction, EntryKind, TranscriptEntry } from "../xmpp/entry";
import { IqPairing } from "../xmpp/iq-pairing";
import { arrowLabel } from "./labels";
import { jidParts, type JidParts } from "./jid-roles";

/**
 * A session's transcript as a sequence diagram, without React: who talks (lifelines) and
 * what each entry is (one arrow per stanza or stream-level element), with iq requests and
 * their answers joined and errors marked. Views draw it; tests read it.
 */

export type LifelineRole = "you" | "server" | "peer" | "room" | "resource" | "other";

export interface Lifeline {
  /** Stable within a model: the JID it stands for (bare, or full for "you" and your other resources). */
  key: string;
  role: LifelineRole;
  /** What to print at its head. */
  jid: string;
  /** A word for people: "you", "your server", "peer", "room", "your other resource", "other". */
  caption: string;
  /** A sentence more, for a tooltip. */
  detail?: string;
}

export interface Arrow {
  seq: number;
  dir: Exclude<Direction, "event">;
  kind: EntryKind;
  /** Lifeline indexes. Equal when an entity talks to itself (a message to your own full JID). */
  from: number;
  to: number;
  label: string;
  /** A stanza of type "error", a stream error or a SASL failure. */
  isError: boolean;
  /** The defined condition, when the entry names one (RFC 6120 sections 4.9.3 and 8.3.3). */
  condition?: string;
  /** The other half of an iq exchange (RFC 6120 section 8.2.3), by seq. */
  partner?: number;
  pairRole?: "request" | "response";
  /** The exchange's colour slot, the same on both halves. */
  pairColor?: number;
}

/** An iq request and its answer, both drawn: a bracket in the gutter joins their rows. */
export interface Bracket {
  requestRow: number;
  responseRow: number;
  color: number;
  /** Which of the gutter's columns it is drawn in, so overlapping exchanges stay apart. */
  column: number;
}

export interface SequenceModel {
  lifelines: Lifeline[];
  arrows: Arrow[];
  brackets: Bracket[];
  /** Arrow row by seq. */
  rowOfSeq: Map<number, number>;
  /** Entries before the drawn window (MAX_DRAWN_ENTRIES), not drawn. */
  omitted: number;
}

export interface SequenceOptions {
  /** The account's full JID; when unknown, read from the `to` of what the server delivered. */
  account?: string | null;
  /** The server's domain; when unknown, the account's domainpart or the stream header's `to`. */
  domain?: string | null;
  /** The other person of the session, whose resources collapse into one lifeline. */
  peer?: string | null;
  maxEntries?: number;
}

/** Past this many entries only the latest are drawn: a diagram of a million arrows reads nobody. */
export const MAX_DRAWN_ENTRIES = 5_000;
/** Past this many lifelines the rest share one: a hostile capture may name thousands of JIDs. */
export const MAX_LIFELINES = 12;
export const PAIR_COLORS = 6;
export const BRACKET_COLUMNS = 4;
/** Longer entries are labelled from their kind and attributes alone, without a parse. */
const MAX_PARSED_CHARS = 64 * 1024;

const DRAWN_KINDS = new Set<EntryKind>(["stream-open", "stream-close", "features", "tls", "sasl", "bind", "message", "presence", "iq", "sm", "stream-error", "other"]);
const PARSED_KINDS = new Set<EntryKind>(["message", "presence", "iq", "bind", "sasl"]);
const STANZA_KINDS = new Set<EntryKind>(["message", "presence", "iq", "bind"]);

/** Entries never change once recorded, so each is parsed once for every later build. */
const outlines = new WeakMap<TranscriptEntry, ElementOutline | null>();

function outlineOf(entry: TranscriptEntry): ElementOutline | null {
  if (!PARSED_KINDS.has(entry.kind) || entry.raw.length > MAX_PARSED_CHARS) return null;
  let outline = outlines.get(entry);
  if (outline === undefined) {
    const parsed = parseElement(entry.raw);
    outline = parsed.ok ? parsed.element : null;
    outlines.set(entry, outline);
  }
  return outline;
}

const labels = new WeakMap<TranscriptEntry, string>();

function labelOf(entry: TranscriptEntry): string {
  let label = labels.get(entry);
  if (label === undefined) {
    label = arrowLabel(entry, outlineOf(entry));
    labels.set(entry, label);
  }
  return label;
}

export function buildSequence(all: readonly TranscriptEntry[], options: SequenceOptions = {}): SequenceModel {
  const limit = options.maxEntries ?? MAX_DRAWN_ENTRIES;
  const start = Math.max(0, all.length - limit);
  const entries: TranscriptEntry[] = [];
  for (let index = start; index < all.length; index++) {
    const entry = all[index]!;
    if (entry.dir !== "event" && DRAWN_KINDS.has(entry.kind)) entries.push(entry);
  }
  const parties = new Parties(entries, options);
  const arrows: Arrow[] = [];
  const rowOfSeq = new Map<number, number>();
  for (const entry of entries) {
    const dir = entry.dir as "in" | "out";
    const [from, to] = parties.ends(entry, dir);
    const isError = entry.attrs?.type === "error" || entry.kind === "stream-error" || (entry.kind === "sasl" && entry.name === "failure");
    rowOfSeq.set(entry.seq, arrows.length);
    arrows.push({ seq: entry.seq, dir, kind: entry.kind, from, to, label: labelOf(entry), isError, ...(entry.error ? { condition: entry.error } : {}) });
  }
  const brackets = pairExchanges(entries, arrows, rowOfSeq);
  return { lifelines: parties.lifelines, arrows, brackets, rowOfSeq, omitted: start };
}

/** The lifelines, created as JIDs first appear, with the rules that map an address to one. */
class Parties {
  readonly lifelines: Lifeline[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly resolved = new Map<string, number>();
  private readonly account: JidParts | null;
  private readonly domain: string;
  private readonly peer: string | null;
  private readonly rooms: Set<string>;
  readonly you: number;
  readonly server: number;

  constructor(entries: readonly TranscriptEntry[], options: SequenceOptions) {
    this.account = parse(options.account) ?? inferAccount(entries);
    this.domain = (options.domain ?? this.account?.domain ?? inferDomain(entries) ?? "server").toLowerCase();
    this.peer = parse(options.peer)?.bare ?? null;
    this.rooms = findRooms(entries);
    const accountJid = this.account ? `${this.account.bare}${this.account.resource ? `/${this.account.resource}` : ""}` : "you";
    this.you = this.add(`you:${accountJid}`, "you", accountJid, "you");
    this.server = this.add(`server:${this.domain}`, "server", this.domain, "your server");
    if (this.account) this.lifelines[this.server]!.detail = `Your server; it also stands for your bare JID ${this.account.bare}, which it serves on your behalf.`;
  }

  /** [from, to] as lifeline indexes. */
  ends(entry: TranscriptEntry, dir: "in" | "out"): [number, number] {
    // Stream-level elements pass between the client and its server only (RFC 6120 section 4).
    if (!STANZA_KINDS.has(entry.kind)) return dir === "out" ? [this.you, this.server] : [this.server, this.you];
    if (dir === "out") {
      const to = entry.attrs?.to;
      // No `to` (RFC 6120 section 10.3): 10.3.1, a message goes to the sender's bare JID; 10.3.2,
      // the server broadcasts a presence; 10.3.3, the server answers an iq on the account's behalf.
      // The server lifeline stands for the account's bare JID too, so all three end on it.
      // The server stamps `from` itself (section 8.1.2.1), so an outgoing stanza always starts at you.
      return [this.you, to === undefined ? this.server : this.resolve(to)];
    }
    const from = entry.attrs?.from;
    // RFC 6120 section 8.1.2.1: a stanza the server delivers without `from` comes from the server
    // (or from the account's bare JID, on its behalf), both drawn as the server.
    return [from === undefined ? this.server : this.resolve(from), this.you];
  }

  private resolve(text: string): number {
    let index = this.resolved.get(text);
    if (index === undefined) {
      index = this.place(text);
      this.resolved.set(text, index);
    }
    return index;
  }

  private place(text: string): number {
    const jid = jidParts(text);
    if (jid === null) return this.add(`other:${text}`, "other", text, "other");
    if (this.account !== null && jid.bare === this.account.bare) {
      if (jid.resource === this.account.resource) return this.you;
      // The bare JID is served by the server on the account's behalf (RFC 6120 section 10.5.4).
      if (jid.resource === "") return this.server;
      return this.add(`resource:${jid.bare}/${jid.resource}`, "resource", `${jid.bare}/${jid.resource}`, "your other resource");
    }
    if (jid.local === "" && jid.domain === this.domain) return this.server;
    // Occupants (room/nick) are drawn on their room (XEP-0045 section 4.1).
    if (this.rooms.has(jid.bare)) return this.add(`room:${jid.bare}`, "room", jid.bare, "room");
    if (jid.bare === this.peer) return this.add(`peer:${jid.bare}`, "peer", jid.bare, "peer");
    return this.add(`other:${jid.bare}`, "other", jid.bare, jid.local === "" ? "service" : "other");
  }

  private add(key: string, role: LifelineRole, jid: string, caption: string): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    if (this.lifelines.length >= MAX_LIFELINES - 1 && role !== "you" && role !== "server") {
      // The last column gathers everyone past the limit.
      const rest = this.byKey.get("rest");
      if (rest !== undefined) return rest;
      this.byKey.set("rest", this.lifelines.length);
      this.lifelines.push({ key: "rest", role: "other", jid: "other JIDs", caption: "others" });
      return this.lifelines.length - 1;
    }
    this.byKey.set(key, this.lifelines.length);
    this.lifelines.push({ key, role, jid, caption });
    return this.lifelines.length - 1;
  }
}

function parse(text: string | null | undefined): JidParts | null {
  return text ? jidParts(text) : null;
}

/** A stanza the server delivers is addressed to this connection: its full JID (RFC 6120 section 8.1.1.1). */
function inferAccount(entries: readonly TranscriptEntry[]): JidParts | null {
  for (const entry of entries) {
    const to = entry.dir === "in" && STANZA_KINDS.has(entry.kind) ? entry.attrs?.to : undefined;
    const jid = to === undefined ? null : jidParts(to);
    if (jid !== null && jid.resource !== "" && jid.local !== "") return jid;
  }
  return null;
}

/** The client's stream header names the server's domain in `to` (RFC 6120 section 4.7.2). */
function inferDomain(entries: readonly TranscriptEntry[]): string | null {
  return entries.find((entry) => entry.kind === "stream-open" && entry.dir === "out" && entry.attrs?.to)?.attrs?.to ?? null;
}

/**
 * Bare JIDs that are multi-user chat rooms, from what the stanzas say about them: a join
 * (XEP-0045 section 7.2), the room's presence with muc#user (7.2.3), a groupchat message
 * (7.4), a room configured or administered (muc#owner, muc#admin).
 */
function findRooms(entries: readonly TranscriptEntry[]): Set<string> {
  const rooms = new Set<string>();
  for (const entry of entries) {
    if (!STANZA_KINDS.has(entry.kind)) continue;
    const address = entry.dir === "out" ? entry.attrs?.to : entry.attrs?.from;
    if (address === undefined) continue;
    const isRoom =
      entry.attrs?.type === "groupchat" ||
      (outlineOf(entry)?.children.some((child) => child.ns === (entry.dir === "out" && entry.kind === "presence" ? NS_MUC : NS_MUC_USER) || child.ns === NS_MUC_OWNER || child.ns === NS_MUC_ADMIN) ?? false);
    if (!isRoom) continue;
    const jid = jidParts(address);
    if (jid !== null && jid.local !== "") rooms.add(jid.bare);
  }
  return rooms;
}

/**
 * Joins each iq answer to its request. The transcript pairs them as it records
 * (IqPairing, RFC 6120 section 8.2.3); entries built elsewhere without `pair` are paired
 * here by the same IqPairing, on copies, so the input is never changed.
 */
function pairExchanges(entries: readonly TranscriptEntry[], arrows: Arrow[], rowOfSeq: Map<number, number>): Bracket[] {
  // A transcript that paired as it recorded is trusted; one with no pair at all is paired here.
  const pairing = entries.some((entry) => entry.pair !== undefined) ? null : new IqPairing();
  const brackets: Bracket[] = [];
  const columnEnds: number[] = new Array<number>(BRACKET_COLUMNS).fill(-1);
  let colors = 0;
  entries.forEach((entry, responseRow) => {
    if (entry.kind !== "iq" && entry.kind !== "bind") return;
    let requestSeq = entry.pair;
    if (pairing !== null) {
      const copy: TranscriptEntry = { ...entry };
      pairing.observe(copy);
      requestSeq = copy.pair;
    }
    const requestRow = requestSeq === undefined ? undefined : rowOfSeq.get(requestSeq);
    if (requestSeq === undefined || requestRow === undefined || requestRow >= responseRow) return;
    const color = colors++ % PAIR_COLORS;
    const request = arrows[requestRow]!;
    const response = arrows[responseRow]!;
    Object.assign(request, { partner: response.seq, pairRole: "request", pairColor: color });
    Object.assign(response, { partner: request.seq, pairRole: "response", pairColor: color });
    // The first column free since the request; when none is, the one freed earliest.
    let column = columnEnds.findIndex((end) => end < requestRow);
    if (column < 0) column = columnEnds.indexOf(Math.min(...columnEnds));
    columnEnds[column] = responseRow;
    brackets.push({ requestRow, responseRow, color, column });
  });
  return brackets;
}
