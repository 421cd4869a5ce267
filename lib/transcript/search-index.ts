/**
 * A lowercase index of raws for the plain-text search, built as entries arrive. A search
 * reads only the chunks of 64 entries whose trigram filter says they may hold the needle,
 * with one native indexOf each, instead of one `includes` per entry (measured: a rare needle
 * over a million entries reads a few chunks). It lives in a worker (search-worker.ts), so a
 * search never holds the page's main thread.
 *
 * Same matches as the main-thread scan (TranscriptQuery: `raw.toLowerCase().includes(needle)`)
 * for every needle `indexableNeedle` (search-needle.ts) accepts: printable ASCII without NUL. Each chunk holds
 * its entries' lowercase raws joined by NUL, with every non-ASCII unit also turned into NUL:
 * such a needle can then match only ASCII text inside one entry, which lowercasing and the
 * replacement leave as they were (a non-ASCII unit never matches an ASCII one).
 */

const GAP = "\u0000";
/**
 * Entries per chunk. Each sealed chunk carries a filter of the trigrams in its text, so a
 * search reads only the chunks that may hold its needle: small chunks skip more.
 */
export const CHUNK_ENTRIES = 64;
/** Bits of a chunk's trigram filter (a one-hash Bloom filter): 8 bytes an entry. */
const FILTER_BITS = 4096;
const FILTER_SHIFT = 32 - Math.log2(FILTER_BITS);
const NON_ASCII = /[^\u0000-\u007f]/;
const NON_ASCII_ALL = /[^\u0000-\u007f]/g;

interface Chunk {
  /** Lowercase raws joined by GAP, non-ASCII turned into GAP; null while the chunk is open and changed. */
  text: string | null;
  /** Where each entry starts in `text`. */
  starts: Int32Array;
  /** Raws added while the chunk is open (dropped once sealed). */
  parts: string[];
  count: number;
  /** The trigrams of a sealed chunk's text (null while open: an open chunk is always read). */
  filter: Uint32Array | null;
}

/**
 * Which filter bit a trigram of ASCII units sets. Exact in what it lets through: a chunk
 * holding the needle holds each of its trigrams, so its bits are all set; a chunk without
 * the needle may still pass (then indexOf says no).
 */
const trigramBit = (a: number, b: number, c: number) => Math.imul((a << 14) | (b << 7) | c, 0x9e3779b1) >>> FILTER_SHIFT;

function trigramFilter(text: string): Uint32Array {
  const filter = new Uint32Array(FILTER_BITS / 32);
  let a = 0;
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A trigram with a NUL (between entries, or for a non-ASCII unit) is never in a needle.
    if (a !== 0 && b !== 0 && c !== 0) {
      const bit = trigramBit(a, b, c);
      filter[bit >>> 5]! |= 1 << (bit & 31);
    }
    a = b;
    b = c;
  }
  return filter;
}

/** The filter bits a needle needs (none under three units: every chunk is read). */
function needleBits(needle: string): Int32Array {
  const bits = new Int32Array(Math.max(0, needle.length - 2));
  for (let i = 0; i < bits.length; i++) bits[i] = trigramBit(needle.charCodeAt(i), needle.charCodeAt(i + 1), needle.charCodeAt(i + 2));
  return bits;
}

function mayHold(filter: Uint32Array, bits: Int32Array): boolean {
  for (let i = 0; i < bits.length; i++) {
    const bit = bits[i]!;
    if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
  }
  return true;
}

/** The index text of a run of raws: one lowercase pass over them all, checked against per-entry lengths. */
function indexText(raws: readonly string[], starts: Int32Array): string {
  const joined = raws.join(GAP);
  let lower = joined.toLowerCase();
  let at = 0;
  if (lower.length === joined.length) {
    for (let i = 0; i < raws.length; i++) {
      starts[i] = at;
      at += raws[i]!.length + 1;
    }
  } else {
    // Lowercasing lengthened a unit (U+0130 gives "i" and U+0307): offsets entry by entry.
    const lowers = raws.map((raw) => raw.toLowerCase());
    lower = lowers.join(GAP);
    for (let i = 0; i < lowers.length; i++) {
      starts[i] = at;
      at += lowers[i]!.length + 1;
    }
  }
  // One-byte text takes half the memory, and indexOf on it is V8's fastest path.
  return NON_ASCII.test(lower) ? lower.replace(NON_ASCII_ALL, GAP) : lower;
}

export class SearchIndex {
  private chunks: Chunk[] = [];
  private entries = 0;
  private resets = 0;

  /** Entries indexed. */
  get size(): number {
    return this.entries;
  }

  /** Changes on every reset: a search begun before one is void. */
  get generation(): number {
    return this.resets;
  }

  append(raws: readonly string[]): void {
    let from = 0;
    while (from < raws.length) {
      let open = this.chunks.at(-1);
      if (open === undefined || open.count === CHUNK_ENTRIES) {
        open = { text: null, starts: new Int32Array(CHUNK_ENTRIES), parts: [], count: 0, filter: null };
        this.chunks.push(open);
      }
      const take = Math.min(CHUNK_ENTRIES - open.count, raws.length - from);
      for (let i = 0; i < take; i++) open.parts.push(raws[from + i]!);
      open.count += take;
      open.text = null;
      from += take;
      this.entries += take;
      if (open.count === CHUNK_ENTRIES) this.textOf(open);
    }
  }

  reset(): void {
    this.chunks = [];
    this.entries = 0;
    this.resets++;
  }

  /** What the index holds: its text (one byte a unit), the entry offsets and the trigram filters. */
  bytes(): number {
    let total = 0;
    for (const chunk of this.chunks) total += (chunk.text?.length ?? chunk.parts.reduce((sum, part) => sum + part.length + 1, 0) - 1) + chunk.starts.byteLength + (chunk.filter?.byteLength ?? 0);
    return total;
  }

  /** A search over the entries held now, run a slice at a time (see IndexSearch). */
  search(needle: string): IndexSearch {
    return new IndexSearch(this, needle, this.entries);
  }

  /**
   * @internal The text of the chunk holding entries from `chunk * CHUNK_ENTRIES`, or null
   * when its filter shows it cannot hold a needle with these trigram `bits`.
   */
  chunkAt(chunk: number, bits: Int32Array): { text: string; starts: Int32Array; count: number } | null {
    const found = this.chunks[chunk]!;
    if (found.filter !== null && !mayHold(found.filter, bits)) return null;
    return { text: this.textOf(found), starts: found.starts, count: found.count };
  }

  private textOf(chunk: Chunk): string {
    if (chunk.text !== null) return chunk.text;
    chunk.text = indexText(chunk.parts, chunk.starts);
    if (chunk.count === CHUNK_ENTRIES) {
      chunk.parts = [];
      chunk.filter = trigramFilter(chunk.text);
    }
    return chunk.text;
  }
}

/**
 * One needle over the first `upTo` entries. `step` scans whole chunks until a deadline, so
 * the worker can look at its messages between slices and drop this search for a newer one.
 */
export class IndexSearch {
  private readonly found: number[] = [];
  private chunk = 0;
  private readonly generation: number;
  private readonly bits: Int32Array;

  constructor(
    private readonly index: SearchIndex,
    readonly needle: string,
    /** Entries scanned: those held when the search began. */
    readonly upTo: number,
  ) {
    this.generation = index.generation;
    this.bits = needleBits(needle);
  }

  /** Whether a reset emptied the index since this search began: its answer would be wrong. */
  get void(): boolean {
    return this.index.generation !== this.generation;
  }

  /** Scans chunks until `deadline` (performance.now() time); true once every entry is scanned. */
  step(deadline: number): boolean {
    const { needle, found, bits } = this;
    const chunks = Math.ceil(this.upTo / CHUNK_ENTRIES);
    while (this.chunk < chunks) {
      // The clock every 64 chunks: most are skipped by their filter in a few nanoseconds.
      const end = Math.min(chunks, this.chunk + 64);
      for (; this.chunk < end; this.chunk++) {
        const chunk = this.index.chunkAt(this.chunk, bits);
        if (chunk === null) continue;
        const { text, starts, count } = chunk;
        const base = this.chunk * CHUNK_ENTRIES;
        const last = Math.min(count, this.upTo - base);
        let entry = 0;
        for (let at = text.indexOf(needle); at >= 0; ) {
          entry = entryAt(starts, entry, count, at);
          if (entry >= last) break;
          found.push(base + entry);
          // One match per entry is enough: go on from the next entry's start.
          if (entry + 1 >= count) break;
          at = text.indexOf(needle, starts[entry + 1]!);
        }
      }
      if (this.chunk < chunks && performance.now() >= deadline) return false;
    }
    return true;
  }

  /** Absolute indexes (in the order entries were appended) of the entries that match, ascending. */
  matches(): Int32Array<ArrayBuffer> {
    return Int32Array.from(this.found);
  }
}

/** The last entry in `starts[from, count)` starting at or before `at` (matches come in order, so the search starts at the previous one). */
function entryAt(starts: Int32Array, from: number, count: number, at: number): number {
  let low = from;
  let high = count - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (starts[middle]! <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}
