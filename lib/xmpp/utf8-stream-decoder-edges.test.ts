import { describe, expect, it } from "vitest";
import { toHex, Utf8StreamDecoder } from "./utf8-stream-decoder";

/** Edges of the decoder found by mutation testing (issue 19). */
describe("Utf8StreamDecoder edges", () => {
  it("replaces a byte that can lead no sequence (a lone continuation byte, 0xff) with one U+FFFD each (RFC 3629 section 4)", () => {
    const decoded = new Utf8StreamDecoder().decode(Uint8Array.of(0x41, 0x80, 0x42, 0xff, 0x43));
    expect(decoded.text).toBe("A\uFFFDB\uFFFDC");
    expect(decoded.invalid).toEqual([
      { textOffset: 1, byteOffset: 1, hex: "80" },
      { textOffset: 3, byteOffset: 3, hex: "ff" },
    ]);
  });

  it("does not hold back a final 0xc0, which can lead nothing: the bytes before it are settled at once", () => {
    const decoder = new Utf8StreamDecoder();
    expect(decoder.decode(Uint8Array.of(0xe2, 0xc0)).text).toBe("\uFFFD\uFFFD");
    expect(decoder.end().text).toBe("");
  });

  it("writes each byte as two hex digits", () => {
    expect(toHex(Uint8Array.of(0x05, 0xff, 0x00))).toBe("05 ff 00");
  });
});
