import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { StreamFramer, type Frame } from "./framing";
import { Transcript } from "./transcript";
import { parseElement, parseStreamHeader } from "../xml/parse-element";
import type { TranscriptEntry } from "./entry";
import { cuts, splitAt, streamBytes, streamText, wellFormedStream, type WellFormedStream } from "../../test/xmpp-arbitraries";

/**
 * Properties of the code that reads what crosses the wire, over generated streams cut into
 * random chunks (bytes cut inside multi-byte characters too): it never throws, it never
 * loses a byte, and every malformed piece says why. FULL_RUNS adds up to the 10,000 inputs the
 * reliability issue asks for; the last test checks they all ran.
 */

const FULL_RUNS = { framer: 3000, framerLimited: 1000, transcriptText: 2000, transcriptBytes: 2500, element: 1500, header: 1000, oracle: 2000, writes: 1000 };
/**
 * Mutation testing reruns these tests for each of several hundred mutants: there
 * vitest.mutation.config.ts sets PROPERTY_RUNS_DIVISOR, and each property gets that fraction
 * of its inputs (at least 20), with a fixed seed so a mutant's verdict does not depend on the draw.
 */
const DIVISOR = Number(process.env.PROPERTY_RUNS_DIVISOR ?? "1");
if (!Number.isInteger(DIVISOR) || DIVISOR < 1) throw new Error(`PROPERTY_RUNS_DIVISOR must be a whole number, 1 or more, not "${process.env.PROPERTY_RUNS_DIVISOR}"`);
const RUNS = Object.fromEntries(Object.entries(FULL_RUNS).map(([name, runs]) => [name, DIVISOR === 1 ? runs : Math.max(20, Math.ceil(runs / DIVISOR))])) as typeof FULL_RUNS;
if (DIVISOR > 1) fc.configureGlobal({ seed: 6120 });
const sum = (runs: typeof FULL_RUNS) => Object.values(runs).reduce((total, count) => total + count, 0);
const EXPECTED_INPUTS = sum(RUNS);
let inputs = 0;
const counted = <T>(check: (value: T) => void) => (value: T) => {
  inputs++;
  check(value);
};

function frameChunks(chunks: readonly string[], framer = new StreamFramer()): Frame[] {
  const frames = chunks.flatMap((chunk) => framer.push(chunk));
  frames.push(...framer.end());
  expect(framer.pending()).toBe("");
  return frames;
}

function expectMessages(entries: readonly { kind: string; error?: string }[]): void {
  for (const entry of entries) {
    if (entry.kind === "malformed") expect(entry.error, JSON.stringify(entry)).toMatch(/\S/);
  }
}

/**
 * The oracle for a stream the generator built well-formed: the header first, then exactly
 * the generator's pieces (a run of keepalives may come in several frames, cut where chunks
 * ended), each element frame parsing as exactly one element, ending where the element ends.
 */
function expectFramedAsBuilt(stream: WellFormedStream, frames: Frame[]): void {
  expect(frames[0]).toEqual({ kind: "stream-open", raw: stream.header });
  const merged: Frame[] = [];
  for (const frame of frames.slice(1)) {
    const last = merged.at(-1);
    if (last?.kind === "whitespace" && frame.kind === "whitespace") merged[merged.length - 1] = { ...last, raw: last.raw + frame.raw };
    else merged.push(frame);
  }
  expect(merged).toEqual(stream.pieces);
  const ends = (list: { raw: string; kind: string }[]) => {
    let offset = stream.header.length;
    return list.flatMap((piece) => {
      offset += piece.raw.length;
      return piece.kind === "element" ? [offset] : [];
    });
  };
  expect(ends(frames.slice(1))).toEqual(ends(stream.pieces));
  for (const frame of frames) {
    if (frame.kind !== "element") continue;
    const parsed = parseElement(frame.raw);
    expect(parsed.ok ? "" : parsed.error, frame.raw).toBe("");
  }
}

/** The bytes an entry stands for: its text in UTF-8, with each U+FFFD that replaced bytes put back. */
function wireBytes(entry: TranscriptEntry): number[] {
  const replaced = new Map((entry.invalidBytes ?? []).map(({ at, hex }) => [at, hex.split(" ").map((pair) => parseInt(pair, 16))]));
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let index = 0;
  for (const char of entry.raw) {
    bytes.push(...(replaced.get(index) ?? encoder.encode(char)));
    index += char.length;
  }
  return bytes;
}

describe("framing and parsing, over generated streams in random chunks", () => {
  it("StreamFramer: keeps every character, in order, and names every problem", () => {
    fc.assert(
      fc.property(
        fc.tuple(streamText, cuts),
        counted(([text, points]: [string, number[]]) => {
          const frames = frameChunks(splitAt(text, points));
          expect(frames.map((frame) => frame.raw).join("")).toBe(text);
          expectMessages(frames);
          for (const frame of frames) expect(frame.raw).not.toBe("");
          // Chunking does not change how the well-formed start of the stream is cut up (a
          // keepalive is cut at each chunk's end, before stray text joins it, so it is left out).
          const whole = frameChunks([text]);
          const firstBad = (list: Frame[]) => list.findIndex((frame) => frame.kind === "malformed");
          const prefix = (list: Frame[]) => list.slice(0, firstBad(list) === -1 ? list.length : firstBad(list)).filter((frame) => frame.kind !== "whitespace");
          expect(prefix(frames)).toEqual(prefix(whole));
        }),
      ),
      { numRuns: RUNS.framer },
    );
  });

  it("StreamFramer on well-formed streams: every element frame is exactly one element, ending where the generator's element ends", () => {
    fc.assert(
      fc.property(
        fc.tuple(wellFormedStream, cuts),
        counted(([stream, points]: [WellFormedStream, number[]]) => {
          expectFramedAsBuilt(stream, frameChunks(splitAt(stream.text, points)));
        }),
      ),
      { numRuns: RUNS.oracle },
    );
  });

  it("StreamFramer with whole writes: a write per piece gives a frame per piece; writes cut anywhere lose nothing and only what a write left open is flagged", () => {
    fc.assert(
      fc.property(
        fc.tuple(wellFormedStream, cuts),
        counted(([stream, points]: [WellFormedStream, number[]]) => {
          const framer = new StreamFramer();
          const written = [stream.header, ...stream.pieces.map((piece) => piece.raw)].flatMap((write) => [...framer.push(write), ...framer.endWrite()]);
          expectFramedAsBuilt(stream, written);
          const cutFramer = new StreamFramer();
          const writes = splitAt(stream.text, points);
          const frames = writes.flatMap((write) => [...cutFramer.push(write), ...cutFramer.endWrite()]);
          expect(cutFramer.pending()).toBe("");
          expect(frames.map((frame) => frame.raw).join("")).toBe(stream.text);
          expectMessages(frames);
          for (const frame of frames) if (frame.kind === "element") expect(parseElement(frame.raw).ok, frame.raw).toBe(true);
        }),
      ),
      { numRuns: RUNS.writes },
    );
  });

  it("StreamFramer with a small size limit: cuts off long elements as policy violations, still losing nothing", () => {
    fc.assert(
      fc.property(
        fc.tuple(streamText, cuts, fc.integer({ min: 8, max: 120 })),
        counted(([text, points, limit]: [string, number[], number]) => {
          const chunks = splitAt(text, points);
          const frames = frameChunks(chunks, new StreamFramer({ maxFrameLength: limit, limitHint: " (LIMIT)" }));
          expect(frames.map((frame) => frame.raw).join("")).toBe(text);
          expectMessages(frames);
          // Nothing is held past the limit by more than one read: memory stays bounded.
          const longestChunk = Math.max(...chunks.map((chunk) => chunk.length));
          for (const frame of frames) {
            if (frame.kind !== "malformed") expect(frame.raw.length).toBeLessThanOrEqual(limit + longestChunk);
            if (frame.violation === "policy-violation") expect(frame.error).toMatch(/the most accepted here \(LIMIT\)/);
          }
        }),
      ),
      { numRuns: RUNS.framerLimited },
    );
  });

  it("Transcript.record (text): one direction's entries concatenate back to exactly the input", () => {
    fc.assert(
      fc.property(
        fc.tuple(streamText, cuts),
        counted(([text, points]: [string, number[]]) => {
          const transcript = new Transcript();
          for (const chunk of splitAt(text, points)) transcript.record("in", chunk);
          transcript.end();
          const entries = transcript.since(0);
          expect(entries.map((entry) => entry.raw).join("")).toBe(text);
          expectMessages(entries);
        }),
      ),
      { numRuns: RUNS.transcriptText },
    );
  });

  it("Transcript.record (bytes): rebuilds the exact bytes, invalid UTF-8 included, whatever the cuts", () => {
    fc.assert(
      fc.property(
        fc.tuple(streamBytes, cuts),
        counted(([bytes, points]: [Uint8Array, number[]]) => {
          const transcript = new Transcript();
          for (const chunk of splitAt(bytes, points)) transcript.record("in", chunk);
          transcript.end();
          const entries = transcript.since(0).filter((entry) => entry.dir === "in");
          expect(entries.flatMap(wireBytes)).toEqual(Array.from(bytes));
          expectMessages(entries);
          for (const entry of entries) {
            if (entry.invalidBytes !== undefined) {
              expect(entry.kind).toBe("malformed");
              expect(entry.violation).toBe("unsupported-encoding");
            }
          }
          // Valid UTF-8, however cut, decodes exactly as the platform decodes it, with nothing flagged.
          let valid: string | null = null;
          try {
            valid = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
          } catch {
            expect(entries.some((entry) => entry.invalidBytes !== undefined)).toBe(true);
          }
          if (valid !== null) {
            expect(entries.every((entry) => entry.invalidBytes === undefined)).toBe(true);
            expect(entries.map((entry) => entry.raw).join("")).toBe(valid);
          }
        }),
      ),
      { numRuns: RUNS.transcriptBytes },
    );
  });

  it("parseElement: returns a result, never throws, and a failure says why", () => {
    fc.assert(
      fc.property(
        fc.oneof(streamText, fc.string({ unit: "binary", maxLength: 60 })),
        counted((text: string) => {
          const result = parseElement(text);
          if (!result.ok) expect(result.error).toMatch(/\S/);
        }),
      ),
      { numRuns: RUNS.element },
    );
  });

  it("parseStreamHeader: returns a result, never throws, and a failure says why", () => {
    fc.assert(
      fc.property(
        streamText,
        counted((text: string) => {
          const result = parseStreamHeader(text);
          if (!result.ok) expect(result.error).toMatch(/\S/);
        }),
      ),
      { numRuns: RUNS.header },
    );
  });

  afterAll(() => {
    expect(sum(FULL_RUNS)).toBeGreaterThanOrEqual(10_000);
    expect(inputs).toBe(EXPECTED_INPUTS);
  });
});

describe("framing well-formed streams cut at every position", () => {
  const TRICKY = [
    `<message id='a/>' to="b/>c"><body>x</body></message>`,
    `<iq id="it's" type='say "hi"'/>`,
    `<message to='>' from=">"/>`,
    `<presence><status><![CDATA[a > b ]] c <x/> ]]></status></presence>`,
    `<message><body><![CDATA[]]]]><![CDATA[>]]></body></message>`,
    `<stream:features><x a='/' b="/"></x></stream:features>`,
  ];
  const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
  const fixed: WellFormedStream = {
    header: HEADER,
    pieces: [...TRICKY.flatMap((raw) => [{ raw, kind: "element" as const }, { raw: " ", kind: "whitespace" as const }]), { raw: "</stream:stream>", kind: "stream-close" }],
    text: "",
  };
  fixed.text = HEADER + fixed.pieces.map((piece) => piece.raw).join("");
  const samples = [fixed, ...fc.sample(wellFormedStream, { numRuns: DIVISOR === 1 ? 8 : 2, seed: 6120 })];

  it("two chunks split at every offset, and one character at a time, frame exactly as built", () => {
    for (const stream of samples) {
      for (let cut = 0; cut <= stream.text.length; cut++) {
        expectFramedAsBuilt(stream, frameChunks([stream.text.slice(0, cut), stream.text.slice(cut)]));
      }
      expectFramedAsBuilt(stream, frameChunks([...stream.text]));
    }
  }, 60_000);
});
