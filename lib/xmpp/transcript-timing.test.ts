import { describe, expect, it } from "vitest";
import { Transcript } from "./transcript";
import { incompleteWriteMessage } from "./framing";
import type { TranscriptEntry } from "./entry";

/**
 * Entries are stamped when their bytes crossed: a write when it is written, a keepalive
 * when it crosses, an incoming element when its last byte arrives. The clock is injected,
 * so `at` is checked to the millisecond.
 */

const CLIENT_HEADER = "<stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const SERVER_HEADER = "<stream:stream id='s1' from='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const NOT_WELL_FORMED = "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";

function clocked(options: { writesAreWhole?: boolean } = {}) {
  let clock = 0;
  const transcript = new Transcript({ now: () => clock, ...options });
  const entries: TranscriptEntry[] = [];
  transcript.onEntry((entry) => entries.push(entry));
  const at = (ms: number, dir: "in" | "out", data: string | Uint8Array) => {
    clock = ms;
    transcript.record(dir, data);
  };
  return { transcript, entries, at, setClock: (ms: number) => (clock = ms) };
}

const summary = (entries: TranscriptEntry[]) => entries.map((entry) => [entry.at, entry.dir, entry.kind, entry.raw]);

describe("Transcript: each entry at the time its bytes crossed", () => {
  it("records a malformed send with its write, before the server's error it caused, and the later close on its own", () => {
    const { entries, at } = clocked();
    at(1000, "out", CLIENT_HEADER);
    at(1500, "in", SERVER_HEADER);
    at(2000, "out", "<message><body>hi</message>");
    at(2300, "in", NOT_WELL_FORMED + "</stream:stream>");
    at(2400, "out", "</stream:stream>");
    expect(summary(entries)).toEqual([
      [1000, "out", "stream-open", CLIENT_HEADER],
      [1500, "in", "stream-open", SERVER_HEADER],
      [2000, "out", "malformed", "<message><body>hi</message>"],
      [2300, "in", "stream-error", NOT_WELL_FORMED],
      [2300, "in", "stream-close", "</stream:stream>"],
      [2400, "out", "stream-close", "</stream:stream>"],
    ]);
    expect(entries[2]?.error).toBe(incompleteWriteMessage("<message>"));
    // Nothing in our own unfinished write calls for a stream error: the server judges it.
    expect(entries[2]?.violation).toBeUndefined();
  });

  it("shows a whitespace keepalive when it was written and when it arrived, not at the next stanza", () => {
    const { entries, at } = clocked();
    at(0, "out", CLIENT_HEADER);
    at(10, "in", SERVER_HEADER);
    at(21_900, "out", " ");
    at(25_000, "in", "\n");
    at(51_900, "out", "<presence/>");
    at(52_000, "in", "<presence from='bob@localhost'/>");
    expect(summary(entries).slice(2)).toEqual([
      [21_900, "out", "whitespace", " "],
      [25_000, "in", "whitespace", "\n"],
      [51_900, "out", "presence", "<presence/>"],
      [52_000, "in", "presence", "<presence from='bob@localhost'/>"],
    ]);
  });

  it("gives an element split over two writes an entry per write, and the rest says whose it is", () => {
    const { entries, at } = clocked();
    at(0, "out", CLIENT_HEADER);
    at(100, "out", "<message to='bob@localhost'><bo");
    at(200, "out", "dy>hi</body></message><presence/>");
    expect(summary(entries).slice(1)).toEqual([
      [100, "out", "malformed", "<message to='bob@localhost'><bo"],
      [200, "out", "malformed", "dy>hi</body></message>"],
      [200, "out", "presence", "<presence/>"],
    ]);
    expect(entries[2]?.error).toMatch(/^the rest of <message>, whose start an earlier write sent/);
  });

  it("stamps an incoming element when its last byte arrives, and the whitespace before it when that arrives", () => {
    const { entries, at } = clocked();
    at(5, "in", SERVER_HEADER);
    at(40, "in", " <message from='bob@localhost'><body>h");
    at(90, "in", "i</body></message>");
    expect(summary(entries).slice(1)).toEqual([
      [40, "in", "whitespace", " "],
      [90, "in", "message", "<message from='bob@localhost'><body>hi</body></message>"],
    ]);
  });

  it("treats outgoing text as a stream, not writes, when told to (a stream file)", () => {
    const { transcript, entries, at } = clocked({ writesAreWhole: false });
    at(0, "out", CLIENT_HEADER + "<message><bo");
    expect(entries).toHaveLength(1);
    at(7, "out", "dy/></message>");
    expect(summary(entries).slice(1)).toEqual([[7, "out", "message", "<message><body/></message>"]]);
    transcript.end();
    expect(entries).toHaveLength(2);
  });

  it("keeps every byte of each direction, in order, whatever the writes and reads", () => {
    const { transcript, entries, at } = clocked();
    const outWrites = [CLIENT_HEADER, " ", "<message><bo", "dy/>", "</message> \n", "<!-- no -->", "stray", "<iq type='get' id='1'/>", "<presence", "</stream:stream>"];
    const inReads = [SERVER_HEADER.slice(0, 9), SERVER_HEADER.slice(9), "\n", "<message><body>x", "</body></message>\t", NOT_WELL_FORMED, "</stream:stream>"];
    let ms = 0;
    for (let i = 0; i < Math.max(outWrites.length, inReads.length); i++) {
      if (outWrites[i] !== undefined) at((ms += 10), "out", outWrites[i]!);
      if (inReads[i] !== undefined) at((ms += 10), "in", new TextEncoder().encode(inReads[i]!));
    }
    transcript.end();
    for (const [dir, parts] of [["out", outWrites], ["in", inReads]] as const) {
      expect(entries.filter((entry) => entry.dir === dir).map((entry) => entry.raw).join("")).toBe(parts.join(""));
    }
    // Each outgoing entry is stamped with the write that finished it: times never go back.
    const times = entries.map((entry) => entry.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
