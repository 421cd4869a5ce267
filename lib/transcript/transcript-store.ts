import type { TranscriptEntry } from "../xmpp/entry";
import { UNANSWERED } from "../xmpp/entry";
import { StringPool } from "./string-pool";

type Listener = () => void;

/**
 * A session's transcript as the browser holds it: append-only, outside React, sized for a
 * million entries. Appending pushes references (no copy of what is already held), so a
 * fast ingest costs O(batch). Views read it by index; `version` tells them it changed.
 *
 * Indexes (`size`, `at`, `indexOfSeq`) count the visible entries only: a Clear moves a
 * marker rather than deleting, so it can be undone and pairing still reaches past it.
 */
export class TranscriptStore {
  private readonly entries: TranscriptEntry[] = [];
  /**
   * Lowercase raws by absolute index, made as entries arrive (a fraction of a microsecond
   * each); a raw already in lowercase (most of XMPP) is kept as itself, not copied.
   */
  private readonly lowered: string[] = [];
  /** How many entries at the start a Clear hides. */
  private hiddenCount = 0;
  /** Earlier markers, for Undo (one per Clear). */
  private readonly clearHistory: number[] = [];
  /** Request seq -> the seq of the result or error that answers it. */
  private readonly responses = new Map<number, number>();
  /** Request seq -> the seq of the event that flagged it unanswered. */
  private readonly unansweredFlags = new Map<number, number>();
  private redacted = 0;
  private readonly listeners = new Set<Listener>();
  /** One copy of each repeated field value across the held entries (string-pool.ts). */
  private readonly strings = new StringPool();
  private changes = 0;
  private layout = 0;

  /** Changes whenever anything a view shows may have changed. */
  get version(): number {
    return this.changes;
  }

  /**
   * Changes when entries already held move or vanish (Clear, Undo, a new session), as
   * opposed to an append: a query can keep what it scanned only while this holds.
   */
  get epoch(): number {
    return this.layout;
  }

  /** Visible entries. */
  get size(): number {
    return this.entries.length - this.hiddenCount;
  }

  /** Every entry held, hidden by a Clear or not. */
  get totalSize(): number {
    return this.entries.length;
  }

  /** Distinct field values pooled (shareStrings), for tests. */
  get pooledStrings(): number {
    return this.strings.size;
  }

  get hiddenByClear(): number {
    return this.hiddenCount;
  }

  get lastSeq(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }

  /** Whether any entry has masked credentials (the reveal toggle is shown only then). */
  get hasRedacted(): boolean {
    return this.redacted > 0;
  }

  get canUndoClear(): boolean {
    return this.clearHistory.length > 0;
  }

  /** Every entry held, hidden or not, in seq order: for export and storage. Do not mutate. */
  all(): readonly TranscriptEntry[] {
    return this.entries;
  }

  /** The visible entry at `index` (0 is the oldest still shown). */
  at(index: number): TranscriptEntry | undefined {
    if (index < 0) return undefined;
    return this.entries[this.hiddenCount + index];
  }

  /**
   * The visible entry at `index`'s raw in lowercase: a text search compares with indexOf
   * instead of a case-insensitive regex per entry (several times faster over a million).
   */
  lowerRawAt(index: number): string {
    return this.lowered[this.hiddenCount + index]!;
  }

  /** Any entry by seq, hidden or not: a response can name a request from before a Clear. */
  bySeq(seq: number): TranscriptEntry | undefined {
    const absolute = this.absoluteIndexOfSeq(seq);
    return absolute < 0 ? undefined : this.entries[absolute];
  }

  /** The visible index of `seq`, or -1 when it is hidden or unknown. */
  indexOfSeq(seq: number): number {
    const absolute = this.absoluteIndexOfSeq(seq);
    return absolute < this.hiddenCount ? -1 : absolute - this.hiddenCount;
  }

  /** The seq of the iq result or error answering the request `requestSeq`, if one came. */
  responseTo(requestSeq: number): number | undefined {
    return this.responses.get(requestSeq);
  }

  /** The seq of the event that flagged `requestSeq` as unanswered, if any. */
  unansweredFlagFor(requestSeq: number): number | undefined {
    return this.unansweredFlags.get(requestSeq);
  }

  /**
   * The entry an iq exchange links `seq` to, both ways: a response to its request, a
   * request to its response (or, failing one, to the event that flagged it unanswered),
   * an unanswered flag to its request.
   */
  partnerOf(seq: number): number | undefined {
    const entry = this.bySeq(seq);
    if (entry === undefined) return undefined;
    if (entry.pair !== undefined) return entry.pair;
    return this.responses.get(seq) ?? this.unansweredFlags.get(seq);
  }

  /**
   * Adds entries in seq order. Those at or below the last seq held are ignored: a
   * reattach after a reload or a dropped link resends what the page may already have.
   */
  append(batch: readonly TranscriptEntry[]): number {
    let added = 0;
    let last = this.lastSeq;
    for (const entry of batch) {
      if (entry.seq <= last) continue;
      this.shareStrings(entry);
      this.entries.push(entry);
      this.lowered.push(lowerCaseOf(entry.raw));
      last = entry.seq;
      added++;
      this.index(entry);
    }
    if (added > 0) this.changed(false);
    return added;
  }

  /** Hides everything shown so far; new entries still appear. Undo brings them back. */
  clear(): void {
    if (this.size === 0) return;
    this.clearHistory.push(this.hiddenCount);
    this.hiddenCount = this.entries.length;
    this.changed(true);
  }

  undoClear(): void {
    const previous = this.clearHistory.pop();
    if (previous === undefined) return;
    this.hiddenCount = previous;
    this.changed(true);
  }

  /** Drops everything, for a new session (whose seq starts again at 1). */
  reset(): void {
    this.entries.length = 0;
    this.lowered.length = 0;
    this.hiddenCount = 0;
    this.clearHistory.length = 0;
    this.responses.clear();
    this.unansweredFlags.clear();
    this.strings.clear();
    this.redacted = 0;
    this.changed(true);
  }

  /** For React's useSyncExternalStore: called after every change. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * The fields that repeat from entry to entry point at one pooled copy each: a restored
   * million-entry transcript held about six copies of them per entry, which every full
   * garbage collection of the page walked (issue 17, the reload's long tasks). The entry's
   * own raw and id stay its own.
   */
  private shareStrings(entry: TranscriptEntry): void {
    const pool = this.strings;
    entry.dir = pool.share(entry.dir);
    entry.kind = pool.share(entry.kind);
    if (entry.name !== undefined) entry.name = pool.share(entry.name);
    if (entry.ns !== undefined) entry.ns = pool.share(entry.ns);
    const attrs = entry.attrs;
    if (attrs === undefined) return;
    if (attrs.type !== undefined) attrs.type = pool.share(attrs.type);
    if (attrs.from !== undefined) attrs.from = pool.share(attrs.from);
    if (attrs.to !== undefined) attrs.to = pool.share(attrs.to);
  }

  private index(entry: TranscriptEntry): void {
    if (entry.redacted) this.redacted++;
    if (entry.pair === undefined) return;
    // The bridge flags a request nothing answered with an event naming it (see Transcript).
    if (entry.dir === "event") {
      if (entry.error === UNANSWERED) this.unansweredFlags.set(entry.pair, entry.seq);
      return;
    }
    this.responses.set(entry.pair, entry.seq);
  }

  private absoluteIndexOfSeq(seq: number): number {
    const first = this.entries[0];
    if (first === undefined) return -1;
    // Seqs are contiguous within a session, so the index is an offset...
    const guess = seq - first.seq;
    if (this.entries[guess]?.seq === seq) return guess;
    // ...unless the bridge skipped some (a gap stays visible); seqs still increase.
    let low = 0;
    let high = this.entries.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const middleSeq = this.entries[middle]!.seq;
      if (middleSeq === seq) return middle;
      if (middleSeq < seq) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  private changed(layout: boolean): void {
    this.changes++;
    if (layout) this.layout++;
    for (const listener of this.listeners) listener();
  }
}

/** `raw` itself when lowercasing changes nothing: the copy toLowerCase made is then dropped. */
function lowerCaseOf(raw: string): string {
  const lower = raw.toLowerCase();
  return lower === raw ? raw : lower;
}

/** A store holding `entries`, for tests, benches and one-off views. */
export function storeOf(entries: readonly TranscriptEntry[]): TranscriptStore {
  const store = new TranscriptStore();
  store.append(entries);
  return store;
}
