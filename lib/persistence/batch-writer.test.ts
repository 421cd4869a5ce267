import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { openDB } from "idb";
import { BatchWriter, type WriterReport } from "./batch-writer";
import { openPlaygroundDb, type OpenPlaygroundDbOptions, type PlaygroundDb } from "./playground-db";
import { createTranscriptWriter } from "./transcript-writer";
import { storageFullMessage } from "./storage-budget";
import { syntheticEntries } from "../transcript-files/test-fixtures";
import type { TranscriptEntry } from "../xmpp/entry";

let counter = 0;
const opened: PlaygroundDb[] = [];

/** A writer on its own database, writing at once (no delay), with what it reported. */
async function writerOnFreshDb(options: OpenPlaygroundDbOptions = {}) {
  const name = `test-writer-${++counter}`;
  const result = await openPlaygroundDb({ name, estimate: null, ...options });
  if (!result.ok) throw new Error(result.message);
  opened.push(result.db);
  const reports: WriterReport[] = [];
  const writer = new BatchWriter(() => Promise.resolve(result), (report) => reports.push(report), 0);
  return { writer, db: result.db, name, reports };
}

/** An `entries` message exactly as the bridge sends it over the socket. */
function batchText(sessionId: string, entries: readonly TranscriptEntry[]): string {
  return JSON.stringify({ op: "entries", sessionId, entries });
}

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describe("the transcript writer (storage thread)", () => {
  it("stores each batch byte for byte as the bridge sent it, and reports the last seq once it is committed", async () => {
    const { writer, db, reports } = await writerOnFreshDb();
    const entries = syntheticEntries(30);
    // A raw with every character JSON escapes, and one that is not UTF-8 on the wire.
    entries[3] = { ...entries[3]!, raw: `<message>"\\\u0000\u2028\ud83d\ude00</message>` };
    entries[4] = { ...entries[4]!, raw: "<x>\ufffd</x>", invalidBytes: [{ at: 3, hex: "c3 28" }] };
    writer.handle({ type: "meta", sessionKey: "s1", meta: { jid: "alice@localhost/pc" } });
    writer.handle({ type: "batch", text: batchText("s1", entries.slice(0, 10)) });
    writer.handle({ type: "batch", text: batchText("s1", entries.slice(10)) });
    await writer.flush();
    expect(reports).toEqual([{ type: "stored", sessionKey: "s1", seq: 30 }]);
    const loaded = await db.loadEntries("s1");
    expect(loaded?.entries).toEqual(entries);
    expect(loaded?.session).toMatchObject({ entryCount: 30, lastSeq: 30, meta: { jid: "alice@localhost/pc" } });
  });

  it("gathers what arrives during a write into the next one, in order, and reports each commit", async () => {
    const { writer, db, name, reports } = await writerOnFreshDb();
    const entries = syntheticEntries(50);
    writer.handle({ type: "batch", text: batchText("s1", entries.slice(0, 5)) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The first write is under way: these three wait, then go in one transaction.
    for (const [from, to] of [[5, 20], [20, 30], [30, 50]] as const) writer.handle({ type: "batch", text: batchText("s1", entries.slice(from, to)) });
    await writer.flush();
    expect(reports).toEqual([
      { type: "stored", sessionKey: "s1", seq: 5 },
      { type: "stored", sessionKey: "s1", seq: 50 },
    ]);
    expect((await db.loadEntries("s1"))?.entries.map((entry) => entry.seq)).toEqual(entries.map((entry) => entry.seq));
    const raw = await openDB(name);
    expect(await raw.count("chunks")).toBe(2);
    raw.close();
  });

  it("keeps sessions apart, stores a reattach's resend once, and ignores other messages", async () => {
    const { writer, db, reports } = await writerOnFreshDb();
    const a = syntheticEntries(8);
    const b = syntheticEntries(3);
    writer.handle({ type: "batch", text: batchText("a", a.slice(0, 6)) });
    writer.handle({ type: "batch", text: batchText("b", b) });
    writer.handle({ type: "batch", text: JSON.stringify({ op: "state", sessionId: "a", state: "online" }) });
    await writer.flush();
    // After a dropped link the bridge resends from the last seq the tab had: some of it again.
    writer.handle({ type: "batch", text: batchText("a", a.slice(4)) });
    await writer.flush();
    expect((await db.loadEntries("a"))?.entries).toEqual(a);
    expect((await db.loadEntries("b"))?.entries).toEqual(b);
    expect(reports).toEqual([
      { type: "stored", sessionKey: "a", seq: 6 },
      { type: "stored", sessionKey: "b", seq: 3 },
      { type: "stored", sessionKey: "a", seq: 8 },
    ]);
  });

  it("stores no session for meta alone: it rides with the first entries", async () => {
    const { writer, db, reports } = await writerOnFreshDb();
    writer.handle({ type: "meta", sessionKey: "s1", meta: { target: "guided · plain" } });
    await writer.flush();
    expect(await db.listSessions()).toEqual([]);
    expect(reports).toEqual([]);
  });

  it("stops a full session with the message, acknowledges nothing of it, and drops its later batches", async () => {
    const { writer, db, reports } = await writerOnFreshDb({ limits: { maxEntries: 12 } });
    const entries = syntheticEntries(20);
    writer.handle({ type: "batch", text: batchText("s1", entries.slice(0, 10)) });
    await writer.flush();
    writer.handle({ type: "batch", text: batchText("s1", entries.slice(10, 15)) });
    await writer.flush();
    writer.handle({ type: "batch", text: batchText("s1", entries.slice(15)) });
    await writer.flush();
    expect(reports).toEqual([
      { type: "stored", sessionKey: "s1", seq: 10 },
      { type: "stopped", sessionKey: "s1", message: storageFullMessage(12) },
    ]);
    expect((await db.loadEntries("s1"))?.session).toMatchObject({ entryCount: 12, full: true });
  });

  it("says so when the browser has no storage", async () => {
    const reports: WriterReport[] = [];
    const writer = new BatchWriter(() => Promise.resolve({ ok: false, message: "no storage here" }), (report) => reports.push(report), 0);
    writer.handle({ type: "batch", text: batchText("s1", syntheticEntries(2)) });
    await writer.flush();
    expect(reports).toEqual([{ type: "stopped", sessionKey: "s1", message: "no storage here" }]);
  });
});

describe("the page's side of the writer", () => {
  it("posts batches and meta as they come, and gives a late subscriber the latest report of its session", () => {
    const posted: unknown[] = [];
    const { writer, deliver } = createTranscriptWriter((request) => posted.push(request));
    writer.batch("{}");
    writer.meta("s1", { jid: "a@b" });
    expect(posted).toEqual([{ type: "batch", text: "{}" }, { type: "meta", sessionKey: "s1", meta: { jid: "a@b" } }]);
    deliver({ type: "stored", sessionKey: "s1", seq: 4 });
    deliver({ type: "stored", sessionKey: "s1", seq: 9 });
    deliver({ type: "stored", sessionKey: "s2", seq: 1 });
    const heard: WriterReport[] = [];
    const unsubscribe = writer.subscribe("s1", (report) => heard.push(report));
    deliver({ type: "stopped", sessionKey: "s1", message: "full" });
    // A stop is final: a later write of the same session cannot hide it from a new subscriber.
    deliver({ type: "stored", sessionKey: "s1", seq: 12 });
    unsubscribe();
    deliver({ type: "stored", sessionKey: "s1", seq: 13 });
    expect(heard).toEqual([
      { type: "stored", sessionKey: "s1", seq: 9 },
      { type: "stopped", sessionKey: "s1", message: "full" },
      { type: "stored", sessionKey: "s1", seq: 12 },
    ]);
    const late: WriterReport[] = [];
    writer.subscribe("s1", (report) => late.push(report));
    expect(late).toEqual([{ type: "stopped", sessionKey: "s1", message: "full" }]);
  });

  it("tells every session, now and later, when the storage thread could not run", () => {
    const { writer, fail } = createTranscriptWriter(() => undefined);
    const heard: WriterReport[] = [];
    writer.subscribe("s1", (report) => heard.push(report));
    fail("no thread");
    writer.subscribe("s2", (report) => heard.push(report));
    expect(heard).toEqual([
      { type: "stopped", sessionKey: "s1", message: "no thread" },
      { type: "stopped", sessionKey: "s2", message: "no thread" },
    ]);
  });
});
