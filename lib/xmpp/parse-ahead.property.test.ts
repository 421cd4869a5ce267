import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Transcript } from "./transcript";
import { DirectionReader } from "./direction-reader";
import type { TranscriptEntry } from "./entry";
import { cuts, splitAt, streamBytes, streamText, wellFormedStream } from "../../test/xmpp-arbitraries";

/**
 * The transcript parses an element while its bytes arrive (direction-reader.ts, parse-ahead),
 * so no read parses more than its own bytes. Whatever the cuts, each entry must say what the
 * same stream read in one piece says: kind, name, namespace, attributes, error.
 */

const DIVISOR = Number(process.env.PROPERTY_RUNS_DIVISOR ?? "1");
const runs = (count: number) => (DIVISOR > 1 ? Math.max(20, Math.ceil(count / DIVISOR)) : count);

/**
 * Reads the chunks as the bridge does and checks each frame's description, worked out while
 * its bytes arrived, against describing the finished frame from scratch (parsed whole).
 */
function expectSameAsWhole(chunks: readonly (string | Uint8Array)[]): void {
  const reader = new DirectionReader("in", {});
  // The namespaces a frame is read in are those of the last stream header before it; a read may
  // hold a frame and a later header. So the whole-frame reference replays the read's frames in
  // order from the namespaces the read started in (a test-only view of the reader's field).
  const state = reader as unknown as { context: unknown };
  for (const chunk of chunks) {
    const before = state.context;
    const frames = reader.push(chunk);
    const after = state.context;
    state.context = before;
    for (const frame of frames) {
      expect(frame.description).toBeDefined();
      expect(frame.description, frame.raw).toEqual(reader.describe({ ...frame, description: undefined }));
    }
    expect(state.context).toEqual(after);
  }
}

/** What each entry says, keepalives left out (a run of them is cut where reads ended). */
function said(transcript: Transcript): Partial<TranscriptEntry>[] {
  return transcript
    .since(0)
    .filter((entry) => entry.dir === "in" && entry.kind !== "whitespace")
    .map(({ raw, kind, name, ns, attrs, error, violation }) => ({ raw, kind, name, ns, attrs, error, violation }));
}

function recorded(chunks: readonly (string | Uint8Array)[]): Transcript {
  const transcript = new Transcript();
  for (const chunk of chunks) transcript.record("in", chunk);
  transcript.end();
  return transcript;
}

describe("parsing ahead as bytes arrive", () => {
  it("describes each element of a well-formed stream as reading it whole does", () => {
    fc.assert(
      fc.property(fc.tuple(wellFormedStream, cuts), ([stream, points]) => {
        expectSameAsWhole(splitAt(stream.text, points));
        // Well-formed, the stream frames the same however it is cut: the entries equal too.
        expect(said(recorded(splitAt(stream.text, points)))).toEqual(said(recorded([stream.text])));
      }),
      { numRuns: runs(500) },
    );
  });

  it("describes hostile and broken text as parsing each frame whole does", () => {
    fc.assert(
      fc.property(fc.tuple(streamText, cuts), ([text, points]) => expectSameAsWhole(splitAt(text, points))),
      { numRuns: runs(500) },
    );
  });

  it("describes bytes that are not all UTF-8 as parsing each frame whole does", () => {
    fc.assert(
      fc.property(fc.tuple(streamBytes, cuts), ([bytes, points]) => expectSameAsWhole(splitAt(bytes, points))),
      { numRuns: runs(500) },
    );
  });

  it("reads a frame in the namespaces of the header before it, not of a later header in the same read (RFC 6120 §4.3.1)", () => {
    const header = (ns: string) => `<stream:stream xmlns='${ns}' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;
    const reader = new DirectionReader("in", {});
    const frames = reader.push(`${header("jabber:client")}<message id='m1'/>${header("jabber:server")}<message id='m2'/>`);
    expect(frames.map((frame) => frame.description?.ns)).toEqual(["http://etherx.jabber.org/streams", "jabber:client", "http://etherx.jabber.org/streams", "jabber:server"]);
  });

  it("describes a 900 KB stanza read in 64 KB pieces as reading it whole does", () => {
    const header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' version='1.0'>";
    const stanza = `<message from='mallory@localhost/x' to='victim@localhost/h' type='chat' id='big'><body>${"x".repeat(900_000)}</body></message>`;
    const bytes = Buffer.from(header + stanza + stanza.replace("<body>", "<body>\u0000"));
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 65_536) chunks.push(bytes.subarray(at, at + 65_536));
    expectSameAsWhole(chunks);
    const entries = said(recorded(chunks));
    expect(entries).toEqual(said(recorded([bytes])));
    expect(entries.map((entry) => entry.kind)).toEqual(["stream-open", "message", "malformed"]);
    expect(entries[1]).toMatchObject({ attrs: { id: "big", type: "chat" } });
    expect(entries[2]?.error).toMatch(new RegExp(`^U\\+0000 \\(NUL\\) at character ${stanza.indexOf("<body>") + 7} `));
  });
});
