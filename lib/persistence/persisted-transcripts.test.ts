import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { openDB } from "idb";
import { ENTRIES_PER_READ, entriesAfter } from "./persisted-transcripts";
import { openPlaygroundDb, type OpenPlaygroundDbOptions, type PlaygroundDb } from "./playground-db";
import { storageFullMessage } from "./storage-budget";
import { recordSample, syntheticEntries, PLAIN_SECRET } from "../transcript-files/test-fixtures";

let counter = 0;
const opened: PlaygroundDb[] = [];

async function freshDb(options: OpenPlaygroundDbOptions = {}): Promise<{ db: PlaygroundDb; name: string }> {
  const name = `test-playground-${++counter}`;
  const result = await openPlaygroundDb({ name, estimate: null, ...options });
  if (!result.ok) throw new Error(result.message);
  opened.push(result.db);
  return { db: result.db, name };
}

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describe("transcript store", () => {
  it("stores batches and loads them back in order", async () => {
    const { db } = await freshDb();
    const entries = syntheticEntries(25);
    expect(await db.saveEntries("s1", entries.slice(0, 10), { jid: "alice@localhost" })).toEqual({ ok: true, stored: 10, totalEntries: 10 });
    expect(await db.saveEntries("s1", entries.slice(10))).toEqual({ ok: true, stored: 15, totalEntries: 25 });
    const loaded = await db.loadEntries("s1");
    expect(loaded?.entries).toEqual(entries);
    expect(loaded?.session).toMatchObject({ sessionKey: "s1", entryCount: 25, lastSeq: 25, full: false, meta: { jid: "alice@localhost" } });
    expect(await db.loadEntries("unknown")).toBeNull();
  });

  it("reads a big transcript back in slices of about ENTRIES_PER_READ, in order, each from whole records", async () => {
    const { db } = await freshDb();
    // Records of every size a session leaves: single entries, live batches, and a reattach's split backlog.
    const sizes = [1, 1, 3, 250, 250, 2_000, 9_000, 1, 700, ...Array.from({ length: 40 }, () => 120)];
    const entries = syntheticEntries(sizes.reduce((sum, size) => sum + size, 0));
    let from = 0;
    for (const size of sizes) {
      await db.saveEntries("s1", entries.slice(from, from + size));
      from += size;
    }
    await db.saveEntries("other", syntheticEntries(50));
    const slices: number[][] = [];
    for await (const slice of db.readEntries("s1")) slices.push(slice.map((entry) => entry.seq));
    expect(slices.flat()).toEqual(entries.map((entry) => entry.seq));
    // Each read the records that start within ENTRIES_PER_READ seqs of the first: the whole transcript is not one read.
    expect(slices.length).toBeGreaterThanOrEqual(Math.ceil(entries.length / (ENTRIES_PER_READ + 5_000)));
    expect(slices.length).toBeGreaterThan(2);
    for (const slice of slices) expect(slice.length).toBeLessThan(ENTRIES_PER_READ + 5_000);
    const nothing: unknown[] = [];
    for await (const slice of db.readEntries("unknown")) nothing.push(slice);
    expect(nothing).toEqual([]);
  });

  it("reads on past seqs it does not hold (the bridge let them go before this browser stored them)", async () => {
    const { db } = await freshDb();
    const entries = syntheticEntries(3 * ENTRIES_PER_READ);
    const kept = [...entries.slice(0, 10), ...entries.slice(2 * ENTRIES_PER_READ + 5)];
    await db.saveEntries("s1", entries.slice(0, 10));
    await db.saveEntries("s1", entries.slice(2 * ENTRIES_PER_READ + 5));
    const read: number[] = [];
    for await (const slice of db.readEntries("s1")) read.push(...slice.map((entry) => entry.seq));
    expect(read).toEqual(kept.map((entry) => entry.seq));
  });

  it("writes one record per batch, not one per entry", async () => {
    const { db, name } = await freshDb();
    await db.saveEntries("s1", syntheticEntries(1_000));
    const raw = await openDB(name);
    expect(await raw.count("chunks")).toBe(1);
    raw.close();
  });

  it("stores nothing twice when the bridge resends the whole transcript after a reload", async () => {
    const { db } = await freshDb();
    const entries = syntheticEntries(30);
    await db.saveEntries("s1", entries.slice(0, 20));
    expect(await db.saveEntries("s1", entries)).toEqual({ ok: true, stored: 10, totalEntries: 30 });
    expect(await db.saveEntries("s1", entries)).toEqual({ ok: true, stored: 0, totalEntries: 30 });
    expect((await db.loadEntries("s1"))?.entries.map((entry) => entry.seq)).toEqual(entries.map((entry) => entry.seq));
  });

  it("keeps sessions apart, lists the latest first, deletes one without touching the other", async () => {
    let clock = 1_000;
    const { db } = await freshDb({ now: () => clock++ });
    await db.saveEntries("old", syntheticEntries(3));
    await db.saveEntries("new", syntheticEntries(5));
    expect((await db.listSessions()).map((session) => [session.sessionKey, session.entryCount])).toEqual([
      ["new", 5],
      ["old", 3],
    ]);
    await db.deleteSession("old");
    expect((await db.listSessions()).map((session) => session.sessionKey)).toEqual(["new"]);
    expect(await db.loadEntries("old")).toBeNull();
    expect((await db.loadEntries("new"))?.entries).toHaveLength(5);
  });

  it("stores entries masked as received: no credential reaches the database", async () => {
    const { db, name } = await freshDb();
    const { entries } = recordSample();
    await db.saveEntries("s1", entries);
    const raw = await openDB(name);
    expect(JSON.stringify(await raw.getAll("chunks"))).not.toContain(PLAIN_SECRET);
    raw.close();
    expect((await db.loadEntries("s1"))?.entries).toEqual(entries);
  });
});

describe("entriesAfter", () => {
  it("returns exactly the entries with a higher seq", () => {
    const entries = syntheticEntries(10).filter((entry) => entry.seq !== 4);
    expect(entriesAfter(entries, 0).map((entry) => entry.seq)).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10]);
    expect(entriesAfter(entries, 3).map((entry) => entry.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(entriesAfter(entries, 4).map((entry) => entry.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(entriesAfter(entries, 9).map((entry) => entry.seq)).toEqual([10]);
    expect(entriesAfter(entries, 10)).toEqual([]);
    expect(entriesAfter([], 0)).toEqual([]);
  });
});

describe("session meta", () => {
  it("keeps stored fields that a later save leaves undefined", async () => {
    const { db } = await freshDb();
    const entries = syntheticEntries(4);
    await db.saveEntries("s1", entries.slice(0, 2), { jid: "alice@localhost", mode: "raw" });
    await db.saveEntries("s1", entries.slice(2), { jid: undefined, target: "raw · plain" });
    expect((await db.loadEntries("s1"))?.session.meta).toEqual({ jid: "alice@localhost", mode: "raw", target: "raw · plain" });
  });
});

describe("storage bound", () => {
  it("stops at the entry cap, stores what fits, and says storage is full", async () => {
    const { db } = await freshDb({ limits: { maxEntries: 12 } });
    const entries = syntheticEntries(20);
    expect(await db.saveEntries("s1", entries.slice(0, 8))).toMatchObject({ ok: true, stored: 8 });
    const result = await db.saveEntries("s1", entries.slice(8));
    expect(result).toEqual({ ok: false, reason: "full", stored: 4, totalEntries: 12, message: storageFullMessage(12) });
    expect(storageFullMessage(12)).toBe("Browser storage for transcripts is full (12 entries); export and clear old sessions.");
    expect((await db.loadEntries("s1"))?.entries).toHaveLength(12);
    expect((await db.loadEntries("s1"))?.session.full).toBe(true);
  });

  it("stores nothing more of a full session, even after space is freed, so it has no gap", async () => {
    const { db } = await freshDb({ limits: { maxEntries: 10 } });
    const entries = syntheticEntries(20);
    await db.saveEntries("other", syntheticEntries(5));
    expect(await db.saveEntries("s1", entries.slice(0, 10))).toMatchObject({ ok: false, reason: "full", stored: 5 });
    await db.deleteSession("other");
    expect(await db.saveEntries("s1", entries.slice(10))).toMatchObject({ ok: false, reason: "full", stored: 0 });
    // A new session has room again.
    expect(await db.saveEntries("s2", syntheticEntries(3))).toEqual({ ok: true, stored: 3, totalEntries: 8 });
  });

  it("stops when the browser's estimate reaches the byte limit", async () => {
    let usage = 0;
    let clock = 0;
    const { db } = await freshDb({ limits: { maxBytes: 1_000_000 }, now: () => clock, estimate: () => Promise.resolve({ usage, quota: 10_000_000 }) });
    expect(await db.saveEntries("s1", syntheticEntries(10))).toMatchObject({ ok: true, stored: 10 });
    usage = 999_990;
    // Estimates are cached for a few seconds: right away the old one still holds.
    expect(await db.saveEntries("s1", syntheticEntries(11).slice(10))).toMatchObject({ ok: true, stored: 1 });
    clock += 60_000;
    expect(await db.saveEntries("s1", syntheticEntries(20))).toMatchObject({ ok: false, reason: "full", stored: 0, totalEntries: 11 });
  });

  it("uses a small quota rather than the configured limit", async () => {
    const { db } = await freshDb({ estimate: () => Promise.resolve({ usage: 0, quota: 2_000 }) });
    const result = await db.saveEntries("s1", syntheticEntries(50));
    expect(result.ok).toBe(false);
    if (result.ok || result.reason !== "full") throw new Error("expected full");
    expect(result.stored).toBeGreaterThan(0);
    expect(result.stored).toBeLessThan(50);
  });

  it("counts its own bytes when the browser gives no estimate", async () => {
    const { db } = await freshDb({ limits: { maxBytes: 5_000 }, estimate: null });
    const result = await db.saveEntries("s1", syntheticEntries(100));
    expect(result).toMatchObject({ ok: false, reason: "full" });
    const again = await db.saveEntries("s2", syntheticEntries(1));
    expect(again).toMatchObject({ ok: false, reason: "full", stored: 0 });
  });
});
