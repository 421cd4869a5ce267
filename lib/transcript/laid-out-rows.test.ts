import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../xmpp/entry";
import { laidOutRows } from "./laid-out-rows";
import { storeOf } from "./transcript-store";

const entry = (seq: number): TranscriptEntry => ({ seq, dir: "in", at: seq, wall: seq, raw: `<message id='m${seq}'/>`, kind: "message" });
const entries = (count: number) => Array.from({ length: count }, (_, index) => entry(index + 1));
/** Every entry a row, as with no filter: row n is store index n. */
const allRows = (count: number) => Int32Array.from({ length: count }, (_, index) => index);
/** What the virtualizer hands a render: items 0 .. count - 1 of the window. */
const items = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => ({ index: from + index, key: from + index }));

describe("laidOutRows", () => {
  it("gives each item of the window its row and entry, in order", () => {
    const store = storeOf(entries(50));
    const laidOut = laidOutRows(items(3, 8), { start: 0, end: 50 }, allRows(50), store);
    expect(laidOut.map(({ row, entry }) => [row, entry.seq])).toEqual([
      [3, 4],
      [4, 5],
      [5, 6],
      [6, 7],
      [7, 8],
    ]);
    expect(laidOut[0]!.item).toEqual({ index: 3, key: 3 });
  });

  it("counts items from the window's first row", () => {
    const store = storeOf(entries(30_000));
    const laidOut = laidOutRows(items(0, 2), { start: 25_000, end: 30_000 }, allRows(30_000), store);
    expect(laidOut.map(({ row, entry }) => [row, entry.seq])).toEqual([
      [25_000, 25_001],
      [25_001, 25_002],
    ]);
  });

  it("leaves out items of an older, longer range: a new session shrank the rows from 500 to 3", () => {
    const store = storeOf(entries(3));
    const laidOut = laidOutRows(items(470, 500), { start: 0, end: 3 }, allRows(3), store);
    expect(laidOut).toEqual([]);
    const straddling = laidOutRows(items(0, 40), { start: 0, end: 3 }, allRows(3), store);
    expect(straddling.map(({ entry }) => entry.seq)).toEqual([1, 2, 3]);
  });

  it("leaves out items past the window even when the rows go on (a window pinned while reading)", () => {
    const store = storeOf(entries(30_000));
    const laidOut = laidOutRows(items(24_998, 25_002), { start: 0, end: 25_000 }, allRows(30_000), store);
    expect(laidOut.map(({ row }) => row)).toEqual([24_998, 24_999]);
  });

  it("leaves out rows whose entry the store no longer holds: rows from before a new session emptied it", () => {
    const store = storeOf(entries(500));
    const rowsBefore = allRows(500);
    store.reset();
    store.append(entries(2));
    const laidOut = laidOutRows(items(0, 10), { start: 0, end: 500 }, rowsBefore, store);
    expect(laidOut.map(({ entry }) => entry.seq)).toEqual([1, 2]);
  });
});
