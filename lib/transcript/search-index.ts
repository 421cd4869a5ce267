/**
 * A lowercase index of raws for the plain-text search, built as entries arrive and searched
 * with one native indexOf per chunk of thousands of entries instead of one `includes` per
 * entry. It lives in a worker (search-worker.ts), so a search over a million entries never
 * holds the page's main thread.
 *
 * Same matches as the main-thread scan (TranscriptQuery: `raw.toLowerCase().includes(needle)`)
 * for every needle `indexableNeedle` (search-needle.ts) accepts: printable ASCII without NUL. Each chunk holds
 * its entries' lowercase raws joined by NUL, with every non-ASCII unit also turned into NUL:
 * such a needle can then match only ASCII text inside one entry, which lowercasing and the
 * replacement leave as they were (a non-ASCII unit never matches an ASCII one).
 */

const GAP = "\u0000";
/** Entries per chunk: big enough that indexOf runs long, small enough that a slice stays short. */
export const CHUNK_ENTRIES = 4096;
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
        open = { text: null, starts: new Int32Array(CHUNK_ENTRIES), parts: [], count: 0 };
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

  /** What the index holds: its text (one byte a unit) and the entry offsets. */
  bytes(): number {
    let total = 0;
    for (const chunk of this.chunks) total += (chunk.text?.length ?? chunk.parts.reduce((sum, part) => sum + part.length + 1, 0)) + chunk.starts.byteLength;
    return total;
  }

  /** A search over the entries held now, run a slice at a time (see IndexSearch). */
  search(needle: string): IndexSearch {
    return new IndexSearch(this, needle, this.entries);
  }

  /** @internal The chunk holding entries from `chunk * CHUNK_ENTRIES`, its text built if needed. */
  chunkAt(chunk: number): { text: string; starts: Int32Array; count: number } {
    const found = this.chunks[chunk]!;
    return { text: this.textOf(found), starts: found.starts, count: found.count };
  }

  private textOf(chunk: Chunk): string {
    if (chunk.text !== null) return chunk.text;
    chunk.text = indexText(chunk.parts, chunk.starts);
    if (chunk.count === CHUNK_ENTRIES) chunk.parts = [];
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

  constructor(
    private readonly index: SearchIndex,
    readonly needle: string,
    /** Entries scanned: those held when the search began. */
    readonly upTo: number,
  ) {
    this.generation = index.generation;
  }

  /** Whether a reset emptied the index since this search began: its answer would be wrong. */
  get void(): boolean {
    return this.index.generation !== this.generation;
  }

  /** Scans chunks until `deadline` (performance.now() time); true once every entry is scanned. */
  step(deadline: number): boolean {
    const { needle, found } = this;
    const chunks = Math.ceil(this.upTo / CHUNK_ENTRIES);
    while (this.chunk < chunks) {
      const base = this.chunk * CHUNK_ENTRIES;
      const { text, starts, count } = this.index.chunkAt(this.chunk);
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
      this.chunk++;
      if (performance.now() >= deadline) return this.chunk >= chunks;
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
