import { describe, expect, it, vi } from "vitest";
import { TranscriptStore, storeOf } from "./transcript-store";
import { Transcript } from "../xmpp/transcript";
import type { TranscriptEntry } from "../xmpp/entry";

function entry(seq: number, fields: Partial<TranscriptEntry> = {}): TranscriptEntry {
  return { seq, dir: "out", at: seq, wall: 1_700_000_000_000 + seq, raw: `<presence id='p${seq}'/>`, kind: "presence", ...fields };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => entry(from + i));

describe("TranscriptStore", () => {
  it("appends in order and ignores what it already holds (a reattach resends)", () => {
    const store = new TranscriptStore();
    expect(store.append(range(1, 3))).toBe(3);
    expect(store.append(range(2, 5))).toBe(2);
    expect(store.size).toBe(5);
    expect([0, 1, 2, 3, 4].map((index) => store.at(index)?.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(store.at(5)).toBeUndefined();
    expect(store.at(-1)).toBeUndefined();
    expect(store.lastSeq).toBe(5);
  });

  it("finds entries by seq, also across a gap the bridge left", () => {
    const store = storeOf([...range(1, 3), ...range(7, 9)]);
    expect(store.bySeq(2)?.seq).toBe(2);
    expect(store.bySeq(8)?.seq).toBe(8);
    expect(store.indexOfSeq(8)).toBe(4);
    expect(store.bySeq(5)).toBeUndefined();
    expect(store.bySeq(0)).toBeUndefined();
    expect(store.bySeq(10)).toBeUndefined();
  });

  it("pools the fields entries repeat, leaving every entry as it came (no field added)", () => {
    const store = new TranscriptStore();
    const addressed = (seq: number) =>
      entry(seq, { dir: seq % 2 ? "in" : "out", kind: "message", name: "message", ns: "jabber:client", attrs: { from: "a@localhost/x", to: `b${seq % 3}@localhost`, id: `m${seq}`, type: "chat" } });
    const batch = [...range(1, 2), ...Array.from({ length: 500 }, (_, i) => addressed(3 + i))];
    const copies = structuredClone(batch);
    store.append(batch);
    expect(batch).toEqual(copies);
    expect(Object.keys(store.at(0)!)).toEqual(Object.keys(copies[0]!));
    // out, in, presence, message, jabber:client, chat, a@localhost/x, b0, b1, b2: ids stay the entries' own.
    expect(store.pooledStrings).toBe(10);
    store.reset();
    expect(store.pooledStrings).toBe(0);
  });

  it("does not copy what it holds on append", () => {
    const store = storeOf(range(1, 2));
    const held = store.at(0);
    store.append(range(3, 4));
    expect(store.at(0)).toBe(held);
  });

  it("bumps the version and tells subscribers on every change, and stops when unsubscribed", () => {
    const store = new TranscriptStore();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    const before = store.version;
    store.append(range(1, 2));
    expect(store.version).toBeGreaterThan(before);
    expect(listener).toHaveBeenCalledTimes(1);
    store.append(range(1, 2)); // nothing new: no change
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    store.append(range(3, 3));
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("hides entries on Clear, keeps new ones visible, and brings them back on Undo", () => {
    const store = storeOf(range(1, 4));
    const epoch = store.epoch;
    store.clear();
    expect(store.size).toBe(0);
    expect(store.epoch).not.toBe(epoch);
    expect(store.canUndoClear).toBe(true);
    store.append(range(5, 6));
    expect(store.size).toBe(2);
    expect(store.at(0)?.seq).toBe(5);
    expect(store.indexOfSeq(2)).toBe(-1);
    expect(store.bySeq(2)?.seq).toBe(2); // pairing still reaches hidden requests
    expect(store.hiddenByClear).toBe(4);
    store.undoClear();
    expect(store.size).toBe(6);
    expect(store.at(0)?.seq).toBe(1);
    expect(store.indexOfSeq(2)).toBe(1);
    expect(store.canUndoClear).toBe(false);
  });

  it("undoes several Clears one at a time", () => {
    const store = storeOf(range(1, 2));
    store.clear();
    store.append(range(3, 3));
    store.clear();
    expect(store.size).toBe(0);
    store.undoClear();
    expect(store.at(0)?.seq).toBe(3);
    store.undoClear();
    expect(store.at(0)?.seq).toBe(1);
  });

  it("starts over for a new session whose seq begins again at 1", () => {
    const store = storeOf([entry(1, { redacted: true }), entry(2, { kind: "iq", pair: 1 })]);
    store.reset();
    expect(store.size).toBe(0);
    expect(store.hasRedacted).toBe(false);
    expect(store.responseTo(1)).toBeUndefined();
    expect(store.append(range(1, 1))).toBe(1);
  });

  it("counts redacted entries for the reveal toggle", () => {
    const store = storeOf(range(1, 2));
    expect(store.hasRedacted).toBe(false);
    store.append([entry(3, { kind: "sasl", redacted: true })]);
    expect(store.hasRedacted).toBe(true);
  });

  it("indexes iq pairs both ways, and unanswered flags, from a real transcript", () => {
    let clock = 0;
    const transcript = new Transcript({ now: () => (clock += 10) });
    const recorded: TranscriptEntry[] = [];
    transcript.onEntry((item) => recorded.push(item));
    transcript.record("out", "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>");
    transcript.record("in", "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s' version='1.0'>");
    transcript.record("out", "<iq type='get' id='answered' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    transcript.record("out", "<iq type='get' id='lost' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    transcript.record("in", "<iq type='result' id='answered' from='localhost'/>");
    transcript.flagUnanswered(1);

    const store = storeOf(recorded);
    const request = recorded.find((item) => item.attrs?.id === "answered")!;
    const lost = recorded.find((item) => item.attrs?.id === "lost")!;
    const response = recorded.find((item) => item.attrs?.type === "result")!;
    const flag = recorded.find((item) => item.dir === "event")!;
    expect(store.responseTo(request.seq)).toBe(response.seq);
    expect(store.partnerOf(request.seq)).toBe(response.seq);
    expect(store.partnerOf(response.seq)).toBe(request.seq);
    expect(store.responseTo(lost.seq)).toBeUndefined();
    expect(store.unansweredFlagFor(lost.seq)).toBe(flag.seq);
    expect(store.partnerOf(lost.seq)).toBe(flag.seq);
    expect(store.partnerOf(flag.seq)).toBe(lost.seq);
    // The flag event is not mistaken for a response.
    expect(store.responseTo(lost.seq)).toBeUndefined();
  });

  it("holds a million entries appended in batches, reachable by index and by seq", () => {
    const store = new TranscriptStore();
    const batch = 1000;
    for (let start = 1; start <= 1_000_000; start += batch) {
      const entries = new Array<TranscriptEntry>(batch);
      for (let i = 0; i < batch; i++) entries[i] = { seq: start + i, dir: "in", at: start + i, wall: 0, raw: "<r/>", kind: "other" };
      store.append(entries);
    }
    expect(store.size).toBe(1_000_000);
    expect(store.bySeq(765_432)?.seq).toBe(765_432);
    expect(store.at(999_999)?.seq).toBe(1_000_000);
  });
});
