import { afterEach, describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../xmpp/entry";
import { NO_QUERY, TranscriptQuery, runQuery } from "./query";
import { SearchClient, type SearchWorkerLike } from "./search-client";
import { serveSearch, type FromSearchWorker, type SearchEndpoint, type ToSearchWorker } from "./search-protocol";
import { TranscriptStore } from "./transcript-store";

const entry = (seq: number, raw: string): TranscriptEntry => ({ seq, dir: "in", at: seq, wall: seq, kind: "message", name: "message", raw });

/** A worker served in this thread over a MessageChannel, with a log of what the page sent it. */
function inThreadWorker() {
  const channel = new MessageChannel();
  const served = serveSearch(channel.port2 as unknown as SearchEndpoint);
  const sent: ToSearchWorker[] = [];
  const worker: SearchWorkerLike = {
    postMessage(message) {
      sent.push(message);
      channel.port1.postMessage(message);
    },
    set onmessage(handler: ((event: MessageEvent<FromSearchWorker>) => void) | null) {
      channel.port1.onmessage = handler as ((event: MessageEvent) => void) | null;
    },
    get onmessage() {
      return channel.port1.onmessage as ((event: MessageEvent<FromSearchWorker>) => void) | null;
    },
    terminate() {
      served.stop();
      channel.port1.close();
    },
  };
  return { worker, sent, index: served.index };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(condition()).toBe(true);
};

const clients: SearchClient[] = [];
afterEach(() => clients.splice(0).forEach((client) => client.dispose()));

function setUp(raws: string[], feedEntries = 3) {
  const store = new TranscriptStore();
  store.append(raws.map((raw, i) => entry(i + 1, raw)));
  const fake = inThreadWorker();
  const client = new SearchClient(store, fake.worker, feedEntries);
  clients.push(client);
  return { store, client, ...fake };
}

const RAWS = ["<message><body>Hi Bob</body></message>", "<iq type='get'/>", "<message><body>bob again</body></message>", "<presence/>", "<message><body>BOB</body></message>", "<iq type='result'/>", "<message/>"];

describe("SearchClient with the worker's protocol", () => {
  it("feeds the store in small messages and answers what the main-thread scan would", async () => {
    const { store, client, sent, index } = setUp(RAWS);
    await until(() => index.size === RAWS.length);
    expect(sent.filter((message) => message.type === "append").map((message) => (message.type === "append" ? message.raws.length : 0))).toEqual([3, 3, 1]);
    const known = await client.search("bob");
    expect(known).not.toBeNull();
    expect(known!.upTo).toBe(RAWS.length);
    expect(Array.from(known!.matches)).toEqual([0, 2, 4]);
    const spec = { ...NO_QUERY, search: "BOB" };
    expect(new TranscriptQuery(store, spec, known).result().matches).toEqual(runQuery(store, spec).matches);
  });

  it("drops a search when a newer one comes, and answers only the newer", async () => {
    const { client, index } = setUp(RAWS);
    await until(() => index.size === RAWS.length);
    const first = client.search("bob");
    const second = client.search("iq");
    expect(await first).toBeNull();
    expect(Array.from((await second)!.matches)).toEqual([1, 5]);
  });

  it("covers only what it was fed: the query scans the rest itself", async () => {
    const { store, client } = setUp(RAWS, 2);
    const known = await client.search("message"); // asked before the rest is fed
    expect(known!.upTo).toBeLessThan(RAWS.length);
    store.append([entry(8, "<message>late</message>")]);
    const spec = { ...NO_QUERY, search: "message" };
    expect(Array.from(new TranscriptQuery(store, spec, known).result().matches)).toEqual([0, 2, 4, 6, 7]);
  });

  it("starts the index again after the store is reset for a new session", async () => {
    const { store, client, index } = setUp(RAWS);
    await until(() => index.size === RAWS.length);
    store.reset();
    store.append([entry(1, "<message>bob</message>"), entry(2, "<iq/>")]);
    const known = await client.search("bob");
    expect(index.size).toBe(2);
    expect(known!.upTo).toBe(2);
    expect(Array.from(known!.matches)).toEqual([0]);
  });
});

describe("TranscriptQuery with known matches", () => {
  it("reads past a Clear in absolute indexes and ignores an answer for another needle or another session", () => {
    const store = new TranscriptStore();
    store.append(RAWS.map((raw, i) => entry(i + 1, raw)));
    const all = store.all();
    // Deliberately incomplete, so using it shows: entry 4 ("BOB") is left out.
    const known = { needle: "bob", upTo: RAWS.length, matches: Int32Array.of(0, 2), last: all[RAWS.length - 1] };
    const spec = { ...NO_QUERY, search: "bob" };
    expect(Array.from(new TranscriptQuery(store, spec, known).result().matches)).toEqual([0, 2]);
    expect(Array.from(new TranscriptQuery(store, { ...spec, search: "again" }, known).result().matches)).toEqual([2]);
    store.clear();
    store.append([entry(8, "<message>bob</message>")]);
    expect(Array.from(new TranscriptQuery(store, spec, known).result().matches)).toEqual([0]);
    store.undoClear();
    expect(Array.from(new TranscriptQuery(store, spec, known).result().matches)).toEqual([0, 2, 7]);
    store.reset();
    store.append(RAWS.map((raw, i) => entry(i + 1, raw)));
    expect(Array.from(new TranscriptQuery(store, spec, known).result().matches)).toEqual([0, 2, 4]);
  });

  it("takes the answer for the rows a filter leaves, and scans the entries after it", () => {
    const store = new TranscriptStore();
    store.append(RAWS.map((raw, i) => entry(i + 1, raw)));
    const all = store.all();
    const known = { needle: "bob", upTo: 4, matches: Int32Array.of(0, 2), last: all[3] };
    const spec = { ...NO_QUERY, search: "bob" };
    const filtered = { ...spec, kinds: new Set(["message" as const]) };
    // The filter keeps every entry here, so its matches are those of the unfiltered query: 0 and 2 known, 4 scanned.
    expect(Array.from(new TranscriptQuery(store, filtered, known).result().matches)).toEqual([0, 2, 4]);
    expect(Array.from(new TranscriptQuery(store, spec, known).result().matches)).toEqual([0, 2, 4]);
  });
});
