import { describe, expect, it } from "vitest";
import { Utf8StreamDecoder } from "./utf8-stream-decoder";

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
