/**
 * How long filtering and search take over a million entries (the lanes' budget is 150 ms
 * for a full pass). Not a test: timings depend on the machine.
 *
 *   node --import tsx bench/lanes-query.ts [entries]
 */
import { TranscriptStore } from "../lib/transcript/transcript-store";
import { NO_QUERY, TranscriptQuery, runQuery, type KnownMatches, type QuerySpec } from "../lib/transcript/query";
import { SearchIndex } from "../lib/transcript/search-index";
import type { TranscriptEntry } from "../lib/xmpp/entry";

const COUNT = Number(process.argv[2] ?? 1_000_000);

/** A plausible mix: chat, pings and their results, presence with caps, some events. */
function synthetic(seq: number): TranscriptEntry {
  const id = `id-${seq.toString(36)}`;
  const at = seq * 0.05;
  const wall = 1_700_000_000_000 + at;
  switch (seq % 5) {
    case 0:
      return { seq, dir: "out", at, wall, kind: "message", name: "message", ns: "jabber:client", attrs: { to: "bob@localhost", type: "chat", id },
        raw: `<message to="bob@localhost" type="chat" id="${id}"><body>Hello number ${seq} from the playground, how are you?</body><active xmlns="http://jabber.org/protocol/chatstates"/></message>` };
    case 1:
      return { seq, dir: "out", at, wall, kind: "iq", name: "iq", ns: "jabber:client", attrs: { type: "get", id, to: "localhost" },
        raw: `<iq type="get" id="${id}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>` };
    case 2:
      return { seq, dir: "in", at, wall, kind: "iq", name: "iq", ns: "jabber:client", attrs: { type: "result", id: `id-${(seq - 1).toString(36)}`, from: "localhost", to: "alice@localhost/web" }, pair: seq - 1, rttMs: 0.05,
        raw: `<iq type="result" id="id-${(seq - 1).toString(36)}" from="localhost" to="alice@localhost/web"/>` };
    case 3:
      return { seq, dir: "in", at, wall, kind: "presence", name: "presence", ns: "jabber:client", attrs: { from: `carol@localhost/phone${seq % 13}`, to: "alice@localhost/web" },
        raw: `<presence from="carol@localhost/phone${seq % 13}" to="alice@localhost/web"><show>away</show><status>Out for lunch ${seq}</status><c xmlns="http://jabber.org/protocol/caps" hash="sha-1" node="https://gajim.org" ver="q07IKJEyjvHSyhy//CH0CxmKi8w="/></presence>` };
    default:
      return seq % 10 === 4
        ? { seq, dir: "event", at, wall, kind: "status", raw: `link is up again after ${seq % 97} ms` }
        : { seq, dir: "in", at, wall, kind: "message", name: "message", ns: "jabber:client", attrs: { from: "bob@localhost/laptop", to: "alice@localhost/web", type: "chat" },
            raw: `<message from="bob@localhost/laptop" to="alice@localhost/web" type="chat"><body>Reply ${seq}: all fine here</body></message>` };
  }
}

function time<T>(label: string, run: () => T, describe: (value: T) => string): void {
  // Three runs, median: the first also pays for compiling the regex and warming the loop.
  const samples: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    value = run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label.padEnd(46)} ${samples[1]!.toFixed(1).padStart(7)} ms   (runs ${samples.map((s) => s.toFixed(0)).join("/")} ms)  ${describe(value as T)}`);
}

// Through JSON, as entries reach the page over the bridge: flat strings, like the real ones
// (a template literal makes a rope, which the first search would pay to flatten).
const entries = JSON.parse(JSON.stringify(Array.from({ length: COUNT }, (_, i) => synthetic(i + 1)))) as TranscriptEntry[];
const averageLength = entries.reduce((sum, entry) => sum + entry.raw.length, 0) / COUNT;
console.log(`${COUNT.toLocaleString("en")} entries, raw ${averageLength.toFixed(0)} characters on average; node ${process.version}\n`);

let store = new TranscriptStore();
time("append in batches of 1000 (fresh store)", () => {
  store = new TranscriptStore();
  for (let start = 0; start < COUNT; start += 1000) store.append(entries.slice(start, start + 1000));
  return store.size;
}, (size) => `${size} held`);

const cases: [string, Partial<QuerySpec>][] = [
  ["no filter, no search", {}],
  ["kind = iq", { kinds: new Set(["iq"]) }],
  ["direction = in", { dirs: new Set(["in"]) }],
  ["JID bob@localhost (bare)", { jid: "bob@localhost" }],
  ["JID carol@localhost/phone3 (full)", { jid: "carol@localhost/phone3" }],
  ["namespace urn:xmpp:ping", { ns: "urn:xmpp:ping" }],
  ["text search 'lunch 99999' (rare)", { search: "lunch 99999" }],
  ["text search 'HELLO' (common, other case)", { search: "HELLO" }],
  ["regex type=\"(get|set)\"", { search: 'type="(get|set)"', mode: "regex" }],
  ["regex \\d{6}", { search: "\\d{6}", mode: "regex" }],
  ["kind message + direction in + search 'fine'", { kinds: new Set(["message"]), dirs: new Set(["in"]), search: "fine" }],
  ["all four filters + regex", { kinds: new Set(["message"]), dirs: new Set(["in"]), jid: "bob@localhost", ns: "jabber:client", search: "reply \\d+", mode: "regex" }],
];
for (const [label, spec] of cases) {
  time(label, () => runQuery(store, { ...NO_QUERY, ...spec }), (result) => `${result.rows.length} rows, ${result.matches.length} matches`);
}

// A live capture: a query kept up to date while 20,000 entries arrive, one frame's worth at a time.
const live = new TranscriptQuery(store, { ...NO_QUERY, dirs: new Set(["in"]), search: "lunch" });
live.result();
let next = COUNT + 1;
const frames = Array.from({ length: 3 * 60 }, () => JSON.parse(JSON.stringify(Array.from({ length: 334 }, () => synthetic(next++)))) as TranscriptEntry[]);
time("incremental: +20,000 entries in 60 batches", () => {
  for (const batch of frames.splice(0, 60)) {
    store.append(batch);
    live.result();
  }
  return live.result();
}, (result) => `${result.rows.length} rows, ${result.matches.length} matches`);

// The search worker's index (lib/transcript/search-index.ts), here in one thread: built from
// the raws in the worker's batches, then a search, then the lanes' query taking its answer.
let index = new SearchIndex();
time("search index: build, in batches of 8192", () => {
  index = new SearchIndex();
  const raws = store.all().map((entry) => entry.raw);
  for (let start = 0; start < raws.length; start += 8192) index.append(raws.slice(start, start + 8192));
  index.search("x").step(Infinity); // builds the open chunk's text too
  return index.bytes();
}, (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB of index for ${index.size} entries`);
for (const needle of ["lunch 99999", "hello", "fine"]) {
  let known: KnownMatches | null = null;
  time(`index search '${needle}'`, () => {
    const search = index.search(needle);
    while (!search.step(Infinity));
    known = { needle, upTo: search.upTo, matches: search.matches(), last: store.all()[search.upTo - 1] };
    return known.matches.length;
  }, (count) => `${count} matches`);
  time(`  then the lanes' rows with that answer`, () => new TranscriptQuery(store, { ...NO_QUERY, search: needle }, known).result(), (result) => `${result.rows.length} rows, ${result.matches.length} matches`);
}
