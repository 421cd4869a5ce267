import { describe, expect, it } from "vitest";
import { NO_QUERY, TranscriptQuery, compileSearch, declaresNamespace, namespaceHasPrefix, positionOf, rowWindow, runQuery, stepMatch, windowStartAround, type QuerySpec } from "./query";
import { storeOf } from "./transcript-store";
import type { TranscriptEntry } from "../xmpp/entry";

const ENTRIES: TranscriptEntry[] = [
  { seq: 1, dir: "event", at: 0, wall: 0, raw: "connecting to localhost:5222", kind: "status" },
  { seq: 2, dir: "out", at: 1, wall: 1, raw: `<message to="Bob@Localhost" type="chat"><body>Hello Bob</body></message>`, kind: "message", name: "message", ns: "jabber:client", attrs: { to: "Bob@Localhost", type: "chat" } },
  { seq: 3, dir: "in", at: 2, wall: 2, raw: `<message from="bob@localhost/phone" to="alice@localhost/web"><body>hello alice</body></message>`, kind: "message", name: "message", ns: "jabber:client", attrs: { from: "bob@localhost/phone", to: "alice@localhost/web" } },
  { seq: 4, dir: "out", at: 3, wall: 3, raw: `<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`, kind: "iq", name: "iq", ns: "jabber:client", attrs: { type: "get", id: "p1", to: "localhost" } },
  { seq: 5, dir: "in", at: 4, wall: 4, raw: `<iq type='result' id='p1' from='localhost'/>`, kind: "iq", name: "iq", ns: "jabber:client", attrs: { type: "result", id: "p1", from: "localhost" }, pair: 4, rttMs: 1 },
  { seq: 6, dir: "in", at: 5, wall: 5, raw: `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><sm xmlns:x="urn:xmpp:sm:3"/></stream:features>`, kind: "features", name: "features", ns: "http://etherx.jabber.org/streams" },
];

const query = (spec: Partial<QuerySpec>) => runQuery(storeOf(ENTRIES), { ...NO_QUERY, ...spec });
const seqsOf = (spec: Partial<QuerySpec>) => Array.from(query(spec).rows, (index) => ENTRIES[index]!.seq);
const matchedSeqs = (spec: Partial<QuerySpec>) => {
  const result = query(spec);
  return Array.from(result.matches, (row) => ENTRIES[result.rows[row]!]!.seq);
};

describe("filters", () => {
  it("shows every entry when nothing filters", () => {
    expect(seqsOf({})).toEqual([1, 2, 3, 4, 5, 6]);
    expect(query({}).filtered).toBe(false);
  });

  it("filters by kind and by direction", () => {
    expect(seqsOf({ kinds: new Set(["iq"]) })).toEqual([4, 5]);
    expect(seqsOf({ dirs: new Set(["in", "event"]) })).toEqual([1, 3, 5, 6]);
    expect(seqsOf({ kinds: new Set(["message"]), dirs: new Set(["in"]) })).toEqual([3]);
    expect(seqsOf({ kinds: new Set() })).toEqual([]);
    expect(query({ kinds: new Set(["iq"]) }).filtered).toBe(true);
  });

  it("matches a bare JID against every resource of it, case-insensitively, in to or from", () => {
    expect(seqsOf({ jid: "bob@localhost" })).toEqual([2, 3]);
    expect(seqsOf({ jid: "  BOB@localhost " })).toEqual([2, 3]);
  });

  it("matches a domain against every JID at it, bare or full, as whole labels", () => {
    expect(seqsOf({ jid: "localhost" })).toEqual([2, 3, 4, 5]);
    expect(seqsOf({ jid: "LOCALHOST" })).toEqual([2, 3, 4, 5]);
    expect(seqsOf({ jid: "host" })).toEqual([]);
    const muc = (seq: number, from: string): TranscriptEntry => ({ seq, dir: "in", at: seq, wall: seq, raw: `<presence from="${from}"/>`, kind: "presence", name: "presence", ns: "jabber:client", attrs: { from } });
    const store = storeOf([muc(1, "room@conference.localhost/alice"), muc(2, "conference.localhost"), muc(3, "other@conference.localhost/bob"), muc(4, "alice@localhost/web"), muc(5, "x@nconference.localhost")]);
    const seqs = (jid: string) => Array.from(runQuery(store, { ...NO_QUERY, jid }).rows, (index) => store.at(index)!.seq);
    expect(seqs("conference.localhost")).toEqual([1, 2, 3]);
    expect(seqs("room@conference.localhost")).toEqual([1]);
    expect(seqs("room@conference.localhost/alice")).toEqual([1]);
  });

  it("matches a full JID only exactly", () => {
    expect(seqsOf({ jid: "alice@localhost/web" })).toEqual([3]);
    expect(seqsOf({ jid: "alice@localhost/phone" })).toEqual([]);
    expect(seqsOf({ jid: "bob@localhost/PHONE" })).toEqual([3]);
  });

  it("matches the element's namespace or one declared inside it", () => {
    expect(seqsOf({ ns: "urn:xmpp:ping" })).toEqual([4]);
    expect(seqsOf({ ns: "urn:xmpp:sm:3" })).toEqual([6]);
    expect(seqsOf({ ns: "http://etherx.jabber.org/streams" })).toEqual([6]);
    expect(seqsOf({ ns: "jabber:client" })).toEqual([2, 3, 4, 5]);
    expect(seqsOf({ ns: "urn:xmpp:pin" })).toEqual([]);
  });

  it("matches a namespace prefix that ends at a separator", () => {
    expect(seqsOf({ ns: "urn:xmpp" })).toEqual([4, 6]);
    expect(seqsOf({ ns: "urn:xmpp:sm" })).toEqual([6]);
    expect(seqsOf({ ns: "jabber" })).toEqual([2, 3, 4, 5]);
    expect(declaresNamespace(`<x xmlns="http://jabber.org/protocol/muc#user"/>`, "http://jabber.org/protocol/muc")).toBe(true);
    expect(declaresNamespace(`<query xmlns='http://jabber.org/protocol/muc#owner'/>`, "http://jabber.org/protocol/muc")).toBe(true);
    expect(declaresNamespace(`<x xmlns="http://jabber.org/protocol/mucx"/>`, "http://jabber.org/protocol/muc")).toBe(false);
    expect(namespaceHasPrefix("http://jabber.org/protocol/muc#user", "http://jabber.org/protocol/muc")).toBe(true);
    expect(namespaceHasPrefix("http://jabber.org/protocol/muc", "http://jabber.org/protocol/muc")).toBe(true);
    expect(namespaceHasPrefix("http://jabber.org/protocol/mucky", "http://jabber.org/protocol/muc")).toBe(false);
  });

  it("recognises namespace declarations, not other mentions of the text", () => {
    expect(declaresNamespace(`<a xmlns = "urn:x"/>`, "urn:x")).toBe(true);
    expect(declaresNamespace(`<a\n  xmlns\t=\n"urn:x"/>`, "urn:x")).toBe(true);
    expect(declaresNamespace(`<a xmlns:p='urn:x'/>`, "urn:x")).toBe(true);
    expect(declaresNamespace(`<a node="urn:x"/>`, "urn:x")).toBe(false);
    expect(declaresNamespace(`<a><b>urn:x</b></a>`, "urn:x")).toBe(false);
    expect(declaresNamespace(`<a xmlns="urn:xy"/>`, "urn:x")).toBe(false);
    // A prefix ending at a separator is one (see namespaceHasPrefix).
    expect(declaresNamespace(`<a xmlns="urn:x:y"/>`, "urn:x")).toBe(true);
  });
});

describe("search", () => {
  it("finds text case-insensitively, among the filtered rows only", () => {
    expect(matchedSeqs({ search: "HELLO" })).toEqual([2, 3]);
    expect(matchedSeqs({ search: "hello", dirs: new Set(["in"]) })).toEqual([3]);
    // The search highlights; it does not hide rows.
    expect(seqsOf({ search: "hello" })).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("treats text as text, not as a pattern", () => {
    expect(matchedSeqs({ search: "p1'." })).toEqual([]);
    expect(matchedSeqs({ search: "id='p1'" })).toEqual([4, 5]);
    expect(matchedSeqs({ search: "(" })).toEqual([]);
  });

  it("searches with a regex", () => {
    expect(matchedSeqs({ search: "type='(get|set)'", mode: "regex" })).toEqual([4]);
    expect(matchedSeqs({ search: "^connecting", mode: "regex" })).toEqual([1]);
  });

  it("reports an invalid regex as a value, and still shows the rows", () => {
    const result = query({ search: "(unclosed", mode: "regex" });
    expect(result.error).toBe("Not a valid regular expression: Unterminated group");
    expect(result.matches.length).toBe(0);
    expect(result.rows.length).toBe(6);
    expect(compileSearch("[", "regex").ok).toBe(false);
  });

  it("gives highlight ranges, skipping empty matches", () => {
    const compiled = compileSearch("b", "text");
    if (!compiled.ok || compiled.matcher === null) throw new Error("expected a matcher");
    expect(compiled.matcher.ranges("abcB")).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const empty = compileSearch("x*", "regex");
    if (!empty.ok || empty.matcher === null) throw new Error("expected a matcher");
    expect(empty.matcher.ranges("axxb")).toEqual([[1, 3]]);
    expect(compileSearch("", "text")).toEqual({ ok: true, matcher: null });
  });
});

describe("search over the lowercase index", () => {
  it("looks for ASCII text with indexOf in lowercased raws, and finds what the regex finds", () => {
    const literalOf = (search: string, mode: "text" | "regex") => {
      const compiled = compileSearch(search, mode);
      return compiled.ok ? compiled.matcher?.literal : "invalid";
    };
    expect(literalOf("Hello BOB", "text")).toBe("hello bob");
    expect(literalOf("héllo", "text")).toBeUndefined();
    expect(literalOf("hel+o", "regex")).toBeUndefined();
    for (const search of ["HELLO", "bob@localhost", "TYPE='", "urn:xmpp:PING", "p1' from"]) {
      const regexRows = Array.from(runQuery(storeOf(ENTRIES), { ...NO_QUERY, search: search.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), mode: "regex" }).matches);
      expect(Array.from(query({ search }).matches), search).toEqual(regexRows);
    }
  });

  it("keeps index and entries aligned across a Clear, an Undo, appends and a reset", () => {
    const store = storeOf(ENTRIES.slice(0, 3));
    store.clear();
    store.append(ENTRIES.slice(3));
    const seqs = (search: string) => {
      const result = runQuery(store, { ...NO_QUERY, search });
      return Array.from(result.matches, (row) => store.at(result.rows[row]!)!.seq);
    };
    expect(seqs("P1")).toEqual([4, 5]);
    expect(seqs("hello")).toEqual([]);
    store.undoClear();
    expect(seqs("HELLO")).toEqual([2, 3]);
    expect(store.lowerRawAt(1)).toBe(ENTRIES[1]!.raw.toLowerCase());
    store.reset();
    store.append([{ ...ENTRIES[0]!, raw: "CONNECTED" }]);
    expect(seqs("connected")).toEqual([1]);
  });
});

describe("navigation", () => {
  const matches = Int32Array.from([2, 5, 9]);
  it("steps to the next and previous match, wrapping around", () => {
    expect(stepMatch(matches, -1, 1)).toBe(2);
    expect(stepMatch(matches, 2, 1)).toBe(5);
    expect(stepMatch(matches, 6, 1)).toBe(9);
    expect(stepMatch(matches, 9, 1)).toBe(2);
    expect(stepMatch(matches, 5, -1)).toBe(2);
    expect(stepMatch(matches, 2, -1)).toBe(9);
    expect(stepMatch(matches, -1, -1)).toBe(9);
    expect(stepMatch(new Int32Array(), 0, 1)).toBe(-1);
  });

  it("finds a value's position in a sorted list", () => {
    expect(positionOf(matches, 5)).toBe(1);
    expect(positionOf(matches, 6)).toBe(-1);
    expect(positionOf(matches, 10)).toBe(-1);
  });
});

describe("TranscriptQuery", () => {
  it("scans only what was appended, and starts over after a Clear or Undo", () => {
    const store = storeOf(ENTRIES.slice(0, 3));
    const live = new TranscriptQuery(store, { ...NO_QUERY, search: "hello" });
    const first = live.result();
    expect(Array.from(first.rows)).toEqual([0, 1, 2]);
    expect(live.result()).toBe(first); // unchanged store: same result

    store.append(ENTRIES.slice(3));
    const second = live.result();
    expect(second.run).toBe(first.run); // extended, not rebuilt
    expect(Array.from(second.rows)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(second.matches)).toEqual([1, 2]);
    expect(Array.from(first.rows)).toEqual([0, 1, 2]); // earlier results stay as they were

    store.clear();
    expect(live.result().rows.length).toBe(0);
    expect(live.result().run).not.toBe(first.run);
    store.undoClear();
    expect(Array.from(live.result().matches)).toEqual([1, 2]);
  });

  it("gives every query without a filter the same rows, so a new search hands the list no new ones", () => {
    const store = storeOf(ENTRIES);
    const plain = new TranscriptQuery(store, NO_QUERY).result();
    const searched = new TranscriptQuery(store, { ...NO_QUERY, search: "hello" }).result();
    expect(searched.rows).toBe(plain.rows);
    expect(Array.from(plain.rows)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(searched.matches)).toEqual([1, 2]);
    const filtered = new TranscriptQuery(store, { ...NO_QUERY, dirs: new Set(["in"]), search: "hello" }).result();
    expect(Array.from(filtered.rows)).toEqual([2, 4, 5]);
    expect(Array.from(filtered.matches)).toEqual([0]);
    // Longer rows later leave the earlier ones as they were.
    const longer = storeOf(Array.from({ length: 3000 }, (_, i) => ({ ...ENTRIES[i % ENTRIES.length]!, seq: i + 1 })));
    expect(Array.from(new TranscriptQuery(longer, NO_QUERY).result().rows.subarray(2995))).toEqual([2995, 2996, 2997, 2998, 2999]);
    expect(Array.from(plain.rows)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("agrees with a fresh run after many appends", () => {
    const many: TranscriptEntry[] = Array.from({ length: 5000 }, (_, i) => ({ ...ENTRIES[i % ENTRIES.length]!, seq: i + 1 }));
    const store = storeOf([]);
    const spec: QuerySpec = { ...NO_QUERY, dirs: new Set(["in"]), search: "bob" };
    const live = new TranscriptQuery(store, spec);
    for (let start = 0; start < many.length; start += 777) {
      store.append(many.slice(start, start + 777));
      live.result();
    }
    const fresh = runQuery(store, spec);
    expect(Array.from(live.result().rows)).toEqual(Array.from(fresh.rows));
    expect(Array.from(live.result().matches)).toEqual(Array.from(fresh.matches));
  });
});

describe("TranscriptQuery in slices", () => {
  const many = (count: number, from = 1): TranscriptEntry[] =>
    Array.from({ length: count }, (_, i) => ({ seq: from + i, dir: "in", at: from + i, wall: from + i, kind: "message", raw: `<message id='m${from + i}'><body>${(from + i) % 7 === 0 ? "Seven" : "other"}</body></message>` }));

  it("stops when its budget is spent, goes on where it stopped, and ends with what one full pass finds", () => {
    const store = storeOf(many(20_000));
    const spec = { ...NO_QUERY, search: "SEVEN" };
    const sliced = new TranscriptQuery(store, spec);
    expect(sliced.resultWithin(0)).toBeNull();
    let slices = 1;
    let result = sliced.resultWithin(0);
    while (result === null) {
      slices++;
      result = sliced.resultWithin(0);
    }
    // A zero budget still scans one block of entries per call, so the scan ends.
    expect(slices).toBeGreaterThan(1);
    const whole = runQuery(store, spec);
    expect(Array.from(result.matches)).toEqual(Array.from(whole.matches));
    expect(result.matches.length).toBe(Math.floor(20_000 / 7));
  });

  it("takes in entries appended while it was part way, and a Clear starts it over", () => {
    const store = storeOf(many(10_000));
    const query = new TranscriptQuery(store, { ...NO_QUERY, search: "seven" });
    expect(query.resultWithin(0)).toBeNull();
    store.append(many(70, 10_001));
    let result = query.resultWithin(Infinity)!;
    expect(result.matches.length).toBe(Math.floor(10_070 / 7));
    store.clear();
    store.append(many(14, 10_071));
    result = query.resultWithin(Infinity)!;
    expect(Array.from(result.rows)).toEqual(Array.from({ length: 14 }, (_, i) => i));
    expect(result.matches.length).toBe(2);
  });
});

describe("rowWindow", () => {
  it("spans every row while they fit", () => {
    expect(rowWindow(120, true, 0, 100, 20)).toEqual({ start: 0, end: 120 });
    expect(rowWindow(120, false, 50, 100, 20)).toEqual({ start: 0, end: 120 });
  });

  it("follows the tail in steps of the slack", () => {
    expect(rowWindow(121, true, 0, 100, 20)).toEqual({ start: 20, end: 121 });
    expect(rowWindow(139, true, 0, 100, 20)).toEqual({ start: 20, end: 139 });
    expect(rowWindow(140, true, 0, 100, 20)).toEqual({ start: 40, end: 140 });
  });

  it("stays where it was pinned, within bounds", () => {
    expect(rowWindow(1000, false, 300, 100, 20)).toEqual({ start: 300, end: 420 });
    expect(rowWindow(1000, false, 950, 100, 20)).toEqual({ start: 900, end: 1000 });
    expect(rowWindow(1000, false, -5, 100, 20)).toEqual({ start: 0, end: 120 });
  });

  it("centres a window on a row", () => {
    expect(windowStartAround(1000, 500, 100)).toBe(450);
    expect(windowStartAround(1000, 10, 100)).toBe(0);
    expect(windowStartAround(1000, 990, 100)).toBe(900);
    expect(windowStartAround(50, 10, 100)).toBe(0);
  });
});
