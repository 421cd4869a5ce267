import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Utf8StreamDecoder, type InvalidSequence } from "./utf8-stream-decoder";

const bytes = (...values: number[]) => Uint8Array.from(values);

describe("Utf8StreamDecoder", () => {
  it("keeps a character whose bytes arrive in two reads whole", () => {
    const decoder = new Utf8StreamDecoder();
    const euro = new TextEncoder().encode("€"); // e2 82 ac
    expect(decoder.decode(bytes(0x61, euro[0]!, euro[1]!))).toEqual({ text: "a", invalid: [] });
    expect(decoder.decode(bytes(euro[2]!, 0x62))).toEqual({ text: "€b", invalid: [] });
    expect(decoder.end()).toEqual({ text: "", invalid: [] });
  });

  it("replaces each invalid sequence with one U+FFFD and says where it was and what it held", () => {
    const decoder = new Utf8StreamDecoder();
    decoder.decode(new TextEncoder().encode("0123456789"));
    // ff can never appear; c3 28 is a lead byte followed by ASCII; ed a0 80 is a UTF-16 surrogate.
    const decoded = decoder.decode(bytes(0x3c, 0xff, 0x3e, 0xc3, 0x28, 0xed, 0xa0, 0x80));
    expect(decoded.text).toBe("<\uFFFD>\uFFFD(\uFFFD\uFFFD\uFFFD");
    expect(decoded.invalid).toEqual([
      { textOffset: 1, byteOffset: 11, hex: "ff" },
      { textOffset: 3, byteOffset: 13, hex: "c3" },
      { textOffset: 5, byteOffset: 15, hex: "ed" },
      { textOffset: 6, byteOffset: 16, hex: "a0" },
      { textOffset: 7, byteOffset: 17, hex: "80" },
    ]);
  });

  it("tells a U+FFFD that was sent as such from one standing for bad bytes", () => {
    const decoder = new Utf8StreamDecoder();
    expect(decoder.decode(new TextEncoder().encode("x\uFFFDy"))).toEqual({ text: "x\uFFFDy", invalid: [] });
  });

  it("reports a character cut off by the end of the stream", () => {
    const decoder = new Utf8StreamDecoder();
    expect(decoder.decode(bytes(0x61, 0xf0, 0x9f, 0x98))).toEqual({ text: "a", invalid: [] });
    expect(decoder.end()).toEqual({ text: "\uFFFD", invalid: [{ textOffset: 0, byteOffset: 1, hex: "f0 9f 98" }] });
  });

  it("refuses overlong forms (RFC 3629 section 3)", () => {
    const decoder = new Utf8StreamDecoder();
    // c0 bc would be an overlong "<": a classic way to smuggle markup past a filter.
    expect(decoder.decode(bytes(0xc0, 0xbc)).invalid.map((sequence) => sequence.hex)).toEqual(["c0", "bc"]);
  });
});

/** Decodes `chunks` in order, then ends; offsets made absolute over the whole text. */
function decodeAll(chunks: readonly Uint8Array[]) {
  const decoder = new Utf8StreamDecoder();
  let text = "";
  const invalid: InvalidSequence[] = [];
  for (const result of [...chunks.map((chunk) => decoder.decode(chunk)), decoder.end()]) {
    for (const sequence of result.invalid) invalid.push({ ...sequence, textOffset: text.length + sequence.textOffset });
    text += result.text;
  }
  return { text, invalid };
}

/** The bytes the decoded text stands for: each reported U+FFFD replaced by its bytes. */
function rebuild(text: string, invalid: readonly InvalidSequence[]): number[] {
  const replaced = new Map(invalid.map(({ textOffset, hex }) => [textOffset, hex.split(" ").map((pair) => parseInt(pair, 16))]));
  const out: number[] = [];
  let index = 0;
  for (const char of text) {
    out.push(...(replaced.get(index) ?? new TextEncoder().encode(char)));
    index += char.length;
  }
  return out;
}

function splitBytes(whole: Uint8Array, points: readonly number[]): Uint8Array[] {
  const inside = [...new Set(points.map((point) => point % (whole.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of inside) {
    chunks.push(whole.subarray(from, point));
    from = point;
  }
  chunks.push(whole.subarray(from));
  return chunks;
}

/** What the WHATWG decoder (the platform's) makes of the bytes: the reference for the text. */
const reference = (whole: Uint8Array) => new TextDecoder("utf-8").decode(whole);

// Every boundary of every sequence length (RFC 3629 section 4), and U+FFFD sent as such.
const EDGES = "\u0000\u007F\u0080\u07FF\u0800\uD7FF\uE000\uFFFD\uFFFF\u{10000}\u{10FFFF}é€😀";

describe("Utf8StreamDecoder against the platform's decoder", () => {
  it("holds back nothing that is already decided: text after a broken sequence comes out in the same call", () => {
    const decoder = new Utf8StreamDecoder();
    expect(decoder.decode(bytes(0x61, 0xe2, 0x41))).toEqual({ text: "a\uFFFDA", invalid: [{ textOffset: 1, byteOffset: 1, hex: "e2" }] });
    expect(decoder.decode(bytes(0xf0, 0x9f, 0x3c))).toEqual({ text: "\uFFFD<", invalid: [{ textOffset: 0, byteOffset: 3, hex: "f0 9f" }] });
  });

  it("decodes a long run of ASCII around a bad byte without exhausting the stack", () => {
    const whole = new Uint8Array(300_001).fill(0x61);
    whole[150_000] = 0xff;
    const decoded = decodeAll([whole]);
    expect(decoded.text).toBe(reference(whole));
    expect(decoded.invalid).toEqual([{ textOffset: 150_000, byteOffset: 150_000, hex: "ff" }]);
  });

  it("decodes every sequence length whole, whatever two bytes it is cut after", () => {
    const whole = new TextEncoder().encode(`a${EDGES}z`);
    for (let first = 0; first <= whole.length; first++) {
      for (let second = first; second <= whole.length; second++) {
        const decoded = decodeAll([whole.subarray(0, first), whole.subarray(first, second), whole.subarray(second)]);
        expect(decoded, `cut at ${first} and ${second}`).toEqual({ text: `a${EDGES}z`, invalid: [] });
      }
    }
  });

  it("reports a character cut off by the end, for every prefix of every multi-byte character", () => {
    for (const char of ["\u0080", "\u07FF", "\u0800", "\uFFFD", "\u{10000}", "\u{10FFFF}", "😀"]) {
      const encoded = new TextEncoder().encode(char);
      for (let length = 1; length < encoded.length; length++) {
        const prefix = encoded.subarray(0, length);
        const hex = Array.from(prefix, (byte) => byte.toString(16).padStart(2, "0")).join(" ");
        expect(decodeAll([bytes(0x78), prefix])).toEqual({ text: "x\uFFFD", invalid: [{ textOffset: 1, byteOffset: 1, hex }] });
        // Cut off by a byte that cannot continue it: the same one U+FFFD, then that byte.
        expect(decodeAll([prefix, bytes(0x41)])).toEqual({ text: "\uFFFDA", invalid: [{ textOffset: 0, byteOffset: 0, hex }] });
      }
    }
  });

  it("refuses overlong forms, surrogates and code points past U+10FFFF as the platform does, byte for byte", () => {
    const cases: [number[], string[]][] = [
      [[0xc0, 0xaf], ["c0", "af"]],
      [[0xc1, 0xbf], ["c1", "bf"]],
      [[0xe0, 0x80, 0xaf], ["e0", "80", "af"]],
      [[0xe0, 0x9f, 0xbf], ["e0", "9f", "bf"]],
      [[0xf0, 0x80, 0x80, 0xaf], ["f0", "80", "80", "af"]],
      [[0xf0, 0x8f, 0xbf, 0xbf], ["f0", "8f", "bf", "bf"]],
      [[0xed, 0xa0, 0x80], ["ed", "a0", "80"]],
      [[0xed, 0xbf, 0xbf], ["ed", "bf", "bf"]],
      [[0xf4, 0x90, 0x80, 0x80], ["f4", "90", "80", "80"]],
      [[0xf5, 0x80, 0x80, 0x80], ["f5", "80", "80", "80"]],
      [[0xff, 0xfe], ["ff", "fe"]],
      [[0xe2, 0x82, 0xe2, 0x82, 0xac], ["e2 82"]],
      [[0xf0, 0x9f, 0x98, 0xf0, 0x9f, 0x98, 0x80], ["f0 9f 98"]],
    ];
    for (const [values, hexes] of cases) {
      const whole = Uint8Array.from([0x3c, ...values, 0x3e]);
      for (let cut = 0; cut <= whole.length; cut++) {
        const decoded = decodeAll([whole.subarray(0, cut), whole.subarray(cut)]);
        expect(decoded.text, `${values.map((value) => value.toString(16))} cut at ${cut}`).toBe(reference(whole));
        expect(decoded.invalid.map((sequence) => sequence.hex)).toEqual(hexes);
        expect(rebuild(decoded.text, decoded.invalid)).toEqual(Array.from(whole));
      }
    }
  });

  it("matches the platform's text on any bytes in any chunks, and accounts for every byte", () => {
    const edgeByte = fc.constantFrom(0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xee, 0xef, 0xf0, 0xf4, 0xf5, 0xff);
    const piece = fc.oneof(
      fc.string({ unit: fc.constantFrom(...EDGES, "a", "<"), maxLength: 4 }).map((text) => Array.from(new TextEncoder().encode(text))),
      fc.array(fc.oneof(edgeByte, fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 6 }), (pieces, points) => {
        const whole = Uint8Array.from(pieces.flat());
        const decoded = decodeAll(splitBytes(whole, points));
        expect(decoded.text).toBe(reference(whole));
        expect(rebuild(decoded.text, decoded.invalid)).toEqual(Array.from(whole));
        for (const { byteOffset, hex } of decoded.invalid) {
          const found = Array.from(whole.subarray(byteOffset, byteOffset + hex.split(" ").length), (byte) => byte.toString(16).padStart(2, "0")).join(" ");
          expect(found).toBe(hex);
        }
        // Every U+FFFD is either reported or was sent as EF BF BD.
        const sentAsSuch = (reference(whole).match(/\uFFFD/g) ?? []).length - decoded.invalid.length;
        expect(sentAsSuch).toBe((Buffer.from(whole).toString("latin1").match(/\xEF\xBF\xBD/g) ?? []).length);
      }),
      { numRuns: 3000 },
    );
  });
});
