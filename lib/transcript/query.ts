import type { Direction, EntryKind, TranscriptEntry } from "../xmpp/entry";
import type { TranscriptStore } from "./transcript-store";

/**
 * Filtering and search over a TranscriptStore. One tight pass over the entries builds
 * two sorted Int32Arrays (the rows to show, and which of them match the search); after
 * an append only the new entries are scanned, so a live capture stays cheap to watch.
 */

export type SearchMode = "text" | "regex";

export interface QuerySpec {
  /** Kinds to show; null shows every kind (an empty set shows none). */
  kinds: ReadonlySet<EntryKind> | null;
  /** Directions to show; null shows all three. */
  dirs: ReadonlySet<Direction> | null;
  /** Matches `to` or `from`, case-insensitively: a bare JID matches every resource of it, a domain every JID at it. */
  jid: string;
  /** The element's namespace, or one declared inside it (`xmlns` or `xmlns:prefix`); a prefix of one matches (`…/muc` catches `…/muc#user`). */
  ns: string;
  /** Case-insensitive, over `raw`; empty searches nothing. */
  search: string;
  mode: SearchMode;
}

export const NO_QUERY: QuerySpec = { kinds: null, dirs: null, jid: "", ns: "", search: "", mode: "text" };

export interface SearchMatcher {
  test(text: string): boolean;
  /**
   * For a plain-text search in ASCII: the text in lowercase, so a scan can look for it in
   * lowercased raws with indexOf (TranscriptStore.lowerRawAt), several times faster than
   * the case-insensitive regex. ASCII only: there both fold case the same way.
   */
  readonly literal?: string;
  /** Each non-empty match as [start, end), in order: for highlighting. */
  ranges(text: string): [number, number][];
}

export type CompiledSearch = { ok: true; matcher: SearchMatcher | null } | { ok: false; error: string };

/** An invalid regex is a value with a message, never a throw: the person is mid-typing. */
export function compileSearch(search: string, mode: SearchMode): CompiledSearch {
  if (search === "") return { ok: true, matcher: null };
  const source = mode === "regex" ? search : search.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  try {
    // A case-insensitive regex measured faster than lowercasing every raw (see bench/).
    const tester = new RegExp(source, "i");
    const finder = new RegExp(source, "gi");
    const literal = mode === "text" && /^[\x00-\x7f]*$/.test(search) ? { literal: search.toLowerCase() } : {};
    return {
      ok: true,
      matcher: {
        ...literal,
        test: (text) => tester.test(text),
        ranges: (text) => {
          const ranges: [number, number][] = [];
          finder.lastIndex = 0;
          for (let match = finder.exec(text); match !== null; match = finder.exec(text)) {
            if (match[0] === "") finder.lastIndex++; // an empty match would never advance
            else ranges.push([match.index, match.index + match[0].length]);
          }
          return ranges;
        },
      },
    };
  } catch (error) {
    // V8 says "Invalid regular expression: /(/gi: Unterminated group": keep the reason.
    const detail = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "") : String(error);
    return { ok: false, error: `Not a valid regular expression: ${detail}` };
  }
}

type EntryFilter = (entry: TranscriptEntry) => boolean;

/** The filter part of a spec as one predicate, or null when it lets everything through. */
export function compileFilter(spec: QuerySpec): EntryFilter | null {
  const { kinds, dirs } = spec;
  const jid = spec.jid.trim().toLowerCase();
  const ns = spec.ns.trim();
  if (kinds === null && dirs === null && jid === "" && ns === "") return null;
  const jidScope: JidScope = jid.includes("/") ? "full" : jid.includes("@") ? "bare" : "domain";
  // One predicate, not a list of them: this runs a million times per pass.
  return (entry) =>
    (kinds === null || kinds.has(entry.kind)) &&
    (dirs === null || dirs.has(entry.dir)) &&
    (jid === "" || (entry.attrs !== undefined && (jidMatches(entry.attrs.to, jid, jidScope) || jidMatches(entry.attrs.from, jid, jidScope)))) &&
    (ns === "" || (entry.ns !== undefined && namespaceHasPrefix(entry.ns, ns)) || declaresNamespace(entry.raw, ns));
}

/** What a JID typed in the filter names: one resource, an account with all its resources, or everything at a domain. */
type JidScope = "full" | "bare" | "domain";

/**
 * `query` is lowercase. A full JID matches itself only; a bare JID (RFC 7622 section 3.2)
 * every resource of it; a domain every JID at it (`conference.localhost`: every room and
 * occupant), compared as whole labels: `localhost` is not `conference.localhost`.
 */
function jidMatches(jid: string | undefined, query: string, scope: JidScope): boolean {
  if (jid === undefined) return false;
  const slash = scope === "full" ? -1 : jid.indexOf("/");
  const end = slash < 0 ? jid.length : slash;
  if (scope !== "domain") return end === query.length && startsWithIgnoringCase(jid, query);
  const at = jid.lastIndexOf("@", end);
  const start = at < 0 ? 0 : at + 1;
  return end - start === query.length && startsWithIgnoringCase(jid.slice(start, end), query);
}

/** Whether `text` starts with `lower` (already lowercase), without a lowercase copy of it. */
function startsWithIgnoringCase(text: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let code = text.charCodeAt(i);
    if (code > 127) return text.slice(0, lower.length).toLowerCase() === lower;
    if (code >= 65 && code <= 90) code += 32;
    if (code !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Namespaces grow by appending (`http://jabber.org/protocol/muc` then `…muc#user`,
 * `urn:xmpp:sm` then `urn:xmpp:sm:3`): a filter is a prefix that ends where the namespace
 * ends or at one of these separators, so `urn:xmpp:pin` does not catch `urn:xmpp:ping`.
 */
const NS_SEPARATORS = new Set(["#", ":", "/", "?"]);

export function namespaceHasPrefix(namespace: string, prefix: string): boolean {
  return namespace.startsWith(prefix) && (namespace.length === prefix.length || NS_SEPARATORS.has(namespace[prefix.length]!));
}

/** Whether `raw` declares a namespace that `ns` is a prefix of (see namespaceHasPrefix): `xmlns="ns…"` or `xmlns:p='ns…'`. */
export function declaresNamespace(raw: string, ns: string): boolean {
  for (let at = raw.indexOf(ns); at >= 0; at = raw.indexOf(ns, at + 1)) {
    const quote = raw[at - 1];
    if (quote !== '"' && quote !== "'") continue;
    const next = raw[at + ns.length];
    if (next !== quote && (next === undefined || !NS_SEPARATORS.has(next))) continue;
    let cursor = at - 2;
    while (isXmlSpace(raw[cursor])) cursor--;
    if (raw[cursor] !== "=") continue;
    cursor--;
    while (isXmlSpace(raw[cursor])) cursor--;
    const nameEnd = cursor + 1;
    while (cursor >= 0 && raw[cursor] !== "<" && !isXmlSpace(raw[cursor])) cursor--;
    const name = raw.slice(cursor + 1, nameEnd);
    if (name === "xmlns" || name.startsWith("xmlns:")) return true;
  }
  return false;
}

const isXmlSpace = (char: string | undefined) => char === " " || char === "\n" || char === "\t" || char === "\r";

export interface QueryResult {
  /** Visible store indexes of the rows to show, ascending. */
  rows: Int32Array;
  /** Positions in `rows` whose raw matches the search, ascending. */
  matches: Int32Array;
  /** The search in use, for highlighting; null when there is none or it is invalid. */
  matcher: SearchMatcher | null;
  /** Why the search cannot run (an invalid regex), or null. */
  error: string | null;
  /** Whether any filter (not the search) is narrowing the rows. */
  filtered: boolean;
  /** Changes when the rows were rebuilt rather than extended (a new spec, a Clear, an Undo). */
  run: number;
}

let runs = 0;

/**
 * A plain-text search's answer computed elsewhere (the search worker, search-client.ts) for
 * the entries held then: the query takes it for those and scans only what came after.
 */
export interface KnownMatches {
  /** The lowercase needle searched: used only for a query whose search is this literal. */
  needle: string;
  /** Entries covered, counted from the first ever held (hidden by a Clear or not). */
  upTo: number;
  /** Which of them match, as such absolute indexes, ascending. */
  matches: Int32Array;
  /** The entry at `upTo - 1` when searched: another one there means the store was reset since. */
  last: TranscriptEntry | undefined;
}

/** Growable Int32Array: appends are amortised O(1) and results are views, not copies. */
class IntList {
  private buffer = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Int32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = value;
  }

  view(): Int32Array {
    // A view stays valid after later pushes: they write past its end or into a new buffer.
    return this.buffer.subarray(0, this.length);
  }
}

/**
 * The rows of every query without a filter: each visible index, in order. One buffer for all
 * of them, and the same view while the length holds, so a new search over a million entries
 * neither builds its rows again nor hands the list new ones (which then measured every row of
 * its window again).
 */
const allRows = {
  buffer: new Int32Array(0),
  view: new Int32Array(0),
  upTo(length: number): Int32Array {
    if (length === this.view.length) return this.view;
    if (length > this.buffer.length) {
      const grown = new Int32Array(Math.max(length, this.buffer.length * 2, 1024));
      grown.set(this.buffer);
      for (let i = this.buffer.length; i < grown.length; i++) grown[i] = i;
      this.buffer = grown;
    }
    // Views of an older buffer stay valid: it holds the same values.
    this.view = this.buffer.subarray(0, length);
    return this.view;
  },
};

/**
 * One spec applied to one store, kept up to date incrementally: `result()` scans only
 * what was appended since the last call, and starts over when the store's epoch moves.
 */
export class TranscriptQuery {
  private readonly filter: EntryFilter | null;
  private readonly search: CompiledSearch;
  private rows = new IntList();
  private matches = new IntList();
  private scanned = 0;
  private run = 0;
  private epoch = -1;
  private version = -1;
  private last: QueryResult | null = null;
  /** Absolute entries below this take their match from `known`; 0 when there is none or it is stale. */
  private knownUpTo = 0;
  /** Where in `known.matches` the scan is. */
  private knownAt = 0;

  constructor(
    private readonly store: TranscriptStore,
    readonly spec: QuerySpec,
    private readonly known: KnownMatches | null = null,
  ) {
    this.filter = compileFilter(spec);
    this.search = compileSearch(spec.search, spec.mode);
  }

  result(): QueryResult {
    return this.resultWithin(Infinity)!;
  }

  /**
   * As result(), but scanning for at most about `budgetMs`: null when the scan has not
   * caught up with the store yet. The next call goes on where this one stopped, so a view
   * can scan a million entries a slice per task, answering input in between, and drop the
   * query (for the next one typed) at any slice.
   */
  resultWithin(budgetMs: number): QueryResult | null {
    const { store } = this;
    if (this.last !== null && store.version === this.version && store.epoch === this.epoch) return this.last;
    if (store.epoch !== this.epoch) {
      this.rows = new IntList();
      this.matches = new IntList();
      this.scanned = 0;
      this.epoch = store.epoch;
      this.run = ++runs;
      this.last = null;
      this.startKnown();
    }
    const { filter } = this;
    const matcher = this.search.ok ? this.search.matcher : null;
    const literal = matcher?.literal;
    const size = store.size;
    const hidden = store.hiddenByClear;
    const known = this.known?.matches;
    const deadline = performance.now() + budgetMs;
    let index = this.scanned;
    if (filter === null) {
      // Every entry is a row (allRows), so a row's position is its index: without a search
      // nothing is left to scan, and the worker's matches are taken as they are.
      if (matcher === null) index = size;
      else if (known !== undefined && index + hidden < this.knownUpTo) {
        for (let at = this.knownAt; at < known.length && known[at]! < this.knownUpTo; at++) this.matches.push(known[at]! - hidden);
        index = this.knownUpTo - hidden;
      }
    }
    while (index < size) {
      // Checking the clock every 4096 entries costs nothing measurable and keeps slices short.
      const end = Math.min(size, index + 4096);
      for (; index < end; index++) {
        if (filter !== null && !filter(store.at(index)!)) continue;
        if (matcher !== null) {
          const absolute = index + hidden;
          let hit: boolean;
          if (absolute < this.knownUpTo) {
            while (known![this.knownAt]! < absolute) this.knownAt++;
            hit = known![this.knownAt] === absolute;
          } else hit = literal !== undefined ? store.lowerRawAt(index).includes(literal) : matcher.test(store.at(index)!.raw);
          if (hit) this.matches.push(filter === null ? index : this.rows.length);
        }
        if (filter !== null) this.rows.push(index);
      }
      if (index < size && performance.now() >= deadline) {
        this.scanned = index;
        return null;
      }
    }
    this.scanned = size;
    this.version = store.version;
    this.last = {
      rows: filter === null ? allRows.upTo(size) : this.rows.view(),
      matches: this.matches.view(),
      matcher,
      error: this.search.ok ? null : this.search.error,
      filtered: filter !== null,
      run: this.run,
    };
    return this.last;
  }

  /** Takes `known` for this scan if it answers this search over entries the store still holds. */
  private startKnown(): void {
    const { known, store } = this;
    const literal = this.search.ok ? this.search.matcher?.literal : undefined;
    const valid = known !== null && known.needle === literal && known.upTo <= store.totalSize && (known.upTo === 0 || store.all()[known.upTo - 1] === known.last);
    this.knownUpTo = valid ? known.upTo : 0;
    this.knownAt = valid ? lowerBound(known.matches, store.hiddenByClear) : 0;
  }
}

/** Runs `spec` over `store` once. */
export function runQuery(store: TranscriptStore, spec: QuerySpec): QueryResult {
  return new TranscriptQuery(store, spec).result();
}

/** Where `value` is in the sorted `list`, or -1. */
export function positionOf(list: Int32Array, value: number): number {
  const at = lowerBound(list, value);
  return list[at] === value ? at : -1;
}

/**
 * The match after (step 1) or before (step -1) the row `fromRow`, wrapping around, as a
 * row position; -1 when nothing matches. `fromRow` -1 means "before the first row".
 */
export function stepMatch(matches: Int32Array, fromRow: number, step: 1 | -1): number {
  if (matches.length === 0) return -1;
  if (step === 1) {
    const at = lowerBound(matches, fromRow + 1);
    return matches[at < matches.length ? at : 0]!;
  }
  const at = lowerBound(matches, fromRow) - 1;
  return matches[at >= 0 ? at : matches.length - 1]!;
}

/** The first position in sorted `list` whose value is >= `value` (its length if none). */
export function lowerBound(list: Int32Array, value: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The slice of rows a list lays out. Browsers cap an element's height (about 33.5 million
 * px in Chrome, 17.9 million in Firefox), which a million rows of ~50 px would pass, and
 * the virtualiser re-lays out every row of its range on each append (measured: that was
 * 40% of a frame at 120,000 rows), so the list spans at most `size + slack` rows. Following
 * the tail, the start moves in steps of `slack` rows rather than with every append;
 * otherwise it stays where it was pinned. Search and keys move it wherever they go.
 */
export interface RowWindow {
  start: number;
  end: number;
}

export const WINDOW_ROWS = 20_000;
export const WINDOW_SLACK = 5_000;

export function rowWindow(rowCount: number, follow: boolean, pinnedStart: number, size = WINDOW_ROWS, slack = WINDOW_SLACK): RowWindow {
  if (rowCount <= size + slack) return { start: 0, end: rowCount };
  if (follow) return { start: Math.floor((rowCount - size) / slack) * slack, end: rowCount };
  const start = Math.min(Math.max(0, pinnedStart), rowCount - size);
  return { start, end: Math.min(rowCount, start + size + slack) };
}

/** A window start that puts `row` in the middle of the window. */
export function windowStartAround(rowCount: number, row: number, size = WINDOW_ROWS): number {
  return Math.max(0, Math.min(row - Math.floor(size / 2), rowCount - size));
}
