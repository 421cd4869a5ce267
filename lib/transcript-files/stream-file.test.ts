import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { walkXml } from "../xml/walk-xml";
import { STREAM_FILE_CLOSE, StreamSectionWriter, readStreamFile, streamFileOpen } from "./stream-file";

/** A stream file of these streams, each written in the given pieces. */
function fileOf(streams: readonly (readonly string[])[]): string {
  const writer = new StreamSectionWriter();
  let text = streamFileOpen("server-to-client");
  for (const pieces of streams) {
    text += writer.begin();
    for (const piece of pieces) text += writer.write(piece);
  }
  return text + writer.end() + STREAM_FILE_CLOSE;
}

// Any UTF-16 text, lone surrogates included, plus the characters CDATA cannot carry as they are.
const awkward = fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom("]]>", "]", "]]", ">", "\r", "\r\n", "\0", "\u0001", "\uFFFE", "\uD800", "<![CDATA[", "&amp;"));
const piece = fc.array(awkward, { maxLength: 6 }).map((parts) => parts.join(""));

describe("stream files", () => {
  it("are well-formed and give back every stream's text exactly, however it was cut", () => {
    fc.assert(
      fc.property(fc.array(fc.array(piece, { minLength: 1, maxLength: 5 }), { maxLength: 4 }), (streams) => {
        const file = fileOf(streams);
        expect(walkXml(file, { fragment: false }).error).toBeNull();
        const read = readStreamFile(file);
        expect(read).toEqual({ ok: true, direction: "server-to-client", sections: streams.map((pieces) => pieces.join("")) });
      }),
      { numRuns: 300 },
    );
  });

  it("writes a `]]>` split over two pieces so that it cannot end the CDATA", () => {
    const file = fileOf([["<body>a ]", "]> b"]]);
    expect(file).not.toMatch(/a \]\]> b/);
    expect(readStreamFile(file)).toMatchObject({ ok: true, sections: ["<body>a ]]> b"] });
  });

  it.each([
    ["not XML", "<xmpp-stream-file", /not well-formed XML/],
    ["another root", '<?xml version="1.0"?><streams xmlns="urn:xmpp-playground:stream-file:1"/>', /root element is <streams>/],
    ["no direction", '<xmpp-stream-file xmlns="urn:xmpp-playground:stream-file:1"/>', /`direction` must be/],
    ["an unknown child", '<xmpp-stream-file xmlns="urn:xmpp-playground:stream-file:1" direction="client-to-server"><stream n="1"><b/></stream></xmpp-stream-file>', /only <char code="N"\/>/],
    ["a bad char", '<xmpp-stream-file xmlns="urn:xmpp-playground:stream-file:1" direction="client-to-server"><stream n="1"><char code="x"/></stream></xmpp-stream-file>', /only <char/],
    ["text outside", '<xmpp-stream-file xmlns="urn:xmpp-playground:stream-file:1" direction="client-to-server">loose</xmpp-stream-file>', /text outside a <stream>/],
  ])("refuses %s, saying why", (_name, text, message) => {
    const read = readStreamFile(text);
    expect(read.ok).toBe(false);
    expect(read.ok ? "" : read.message).toMatch(message);
  });
});
