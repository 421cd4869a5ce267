import { describe, expect, it } from "vitest";
import { CHUNK_ENTRIES, SearchIndex } from "./search-index";
import { indexableNeedle } from "./search-needle";

/** What the main-thread scan does for a literal (TranscriptQuery via TranscriptStore.lowerRawAt). */
const naive = (raws: readonly string[], needle: string) => raws.flatMap((raw, index) => (raw.toLowerCase().includes(needle) ? [index] : []));

function searchAll(index: SearchIndex, needle: string): number[] {
  const search = index.search(needle);
  while (!search.step(Infinity));
  return Array.from(search.matches());
}

const indexOf = (raws: readonly string[]) => {
  const index = new SearchIndex();
  index.append(raws);
  return index;
};

describe("indexableNeedle", () => {
  it("takes plain ASCII text, lowercased, and leaves the rest to the main-thread scan", () => {
    expect(indexableNeedle("Big-123", "text")).toBe("big-123");
    expect(indexableNeedle("a.b", "regex")).toBeNull();
    expect(indexableNeedle("", "text")).toBeNull();
    expect(indexableNeedle("café", "text")).toBeNull();
    expect(indexableNeedle("a\u0000b", "text")).toBeNull();
  });
});

describe("SearchIndex", () => {
  it("finds case-insensitively, one hit per entry however many times it occurs", () => {
    const raws = ["<message><body>Hello HELLO hello</body></message>", "<iq type='get'/>", "<presence><status>hello</status></presence>"];
    expect(searchAll(indexOf(raws), "hello")).toEqual([0, 2]);
    expect(searchAll(indexOf(raws), "<iq")).toEqual([1]);
    expect(searchAll(indexOf(raws), "nothing")).toEqual([]);
  });

  it("never matches across two entries", () => {
    expect(searchAll(indexOf(["abc", "def", "abcdef"]), "cd")).toEqual([2]);
  });

  it("matches what toLowerCase makes ASCII (the Kelvin sign, dotted capital I) as the main-thread scan does", () => {
    const raws = ["\u212Aelvin", "\u0130stanbul", "STRASSE", "straße", "ΣΑΣ and sas", "plain"];
    for (const needle of ["kelvin", "istanbul", "i", "strasse", "stra", "sas", "s", "e"]) expect(searchAll(indexOf(raws), needle)).toEqual(naive(raws, needle));
  });

  it("keeps entry boundaries when lowercasing lengthens a unit, and when a raw holds a NUL", () => {
    const raws = ["\u0130\u0130\u0130", "xyz", "a\u0000b", "\u0130x", "yz"];
    expect(searchAll(indexOf(raws), "xyz")).toEqual([1]);
    expect(searchAll(indexOf(raws), "xy")).toEqual([1]);
    expect(searchAll(indexOf(raws), "b")).toEqual([2]);
    // "İ" lowercases to "i" and a combining dot: "i" matches it, "ix" does not (nor does it in the main-thread scan).
    expect(searchAll(indexOf(raws), "i")).toEqual([0, 3]);
    expect(searchAll(indexOf(raws), "ix")).toEqual(naive(raws, "ix"));
  });

  it("agrees with the main-thread scan on random raws over several chunks, appended in odd batches", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = ["a", "B", "b", "<", "'", " ", "\u212A", "k", "\u0130", "i", "\u00DF", "s", "\u03A3", "\u0000", "\u00E9"];
    const raws = Array.from({ length: CHUNK_ENTRIES * 40 + 123 }, () => Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]!).join(""));
    const index = new SearchIndex();
    for (let from = 0; from < raws.length; ) {
      const take = 1 + Math.floor(random() * 300);
      index.append(raws.slice(from, from + take));
      from += take;
    }
    expect(index.size).toBe(raws.length);
    for (const needle of ["a", "bk", "k", "ss", "i", "'b", "s s", "ab<", "kk", "bab", "kis", "a'<b", "sbbi"]) expect(searchAll(index, needle)).toEqual(naive(raws, needle));
  });

  it("answers for the entries held when the search began, even if more arrive between slices", () => {
    // More chunks than one slice reads before it looks at the clock.
    const raws = Array.from({ length: CHUNK_ENTRIES * 65 + 10 }, (_, i) => `<message id='m${i}'/>`);
    const index = indexOf(raws);
    const search = index.search("m4");
    expect(search.step(-Infinity)).toBe(false); // one chunk per slice at least, then the deadline has passed
    index.append(["<message id='m4-late'/>"]);
    while (!search.step(Infinity));
    expect(search.upTo).toBe(raws.length);
    expect(Array.from(search.matches())).toEqual(naive(raws, "m4"));
    expect(searchAll(index, "m4-late")).toEqual([raws.length]);
  });

  it("voids a search begun before a reset and starts again from nothing", () => {
    const index = indexOf(["alpha", "beta"]);
    const search = index.search("alpha");
    index.reset();
    expect(search.void).toBe(true);
    expect(index.size).toBe(0);
    index.append(["gamma", "ALPHA"]);
    expect(searchAll(index, "alpha")).toEqual([1]);
  });

  it("costs a byte a character, four bytes an entry and a 512-byte filter a chunk", () => {
    const raws = Array.from({ length: CHUNK_ENTRIES }, (_, i) => `<presence id='p${i}'/>`);
    const characters = raws.reduce((sum, raw) => sum + raw.length, 0) + raws.length - 1; // a NUL between two
    expect(indexOf(raws).bytes()).toBe(characters + 4 * CHUNK_ENTRIES + 512);
  });

  it("finds needles of every length in sealed chunks (filtered by trigrams) and in the open one", () => {
    const raws = Array.from({ length: CHUNK_ENTRIES * 3 + 5 }, (_, i) => `<message id='big-${i}'><body>${i}</body></message>`);
    const index = indexOf(raws);
    for (const needle of ["b", "-7", "g-1", "big-100'", "big-195'", "<body>1</body>", "big-196'", "</message>"]) expect(searchAll(index, needle)).toEqual(naive(raws, needle));
  });
});
