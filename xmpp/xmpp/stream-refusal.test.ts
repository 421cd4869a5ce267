import { describe, expect, it } from "vitest";
import { refusalMessage, streamErrorXml } from "./stream-refusal";
import { parseElement } from "../xml/parse-element";
import type { TranscriptEntry } from "./entry";

describe("stream refusal", () => {
  it("over TCP: the stream error and the closing tag in one write (RFC 6120 sections 4.9.1.1 and 4.4)", () => {
    expect(streamErrorXml("restricted-xml")).toEqual(["<stream:error><restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>"]);
  });

  it("over WebSocket: each piece one whole element that parses on its own, ending with <close/> (RFC 7395)", () => {
    const pieces = streamErrorXml("unsupported-encoding", true);
    expect(pieces).toHaveLength(2);
    const parsed = pieces.map((piece) => parseElement(piece, { defaultNs: "jabber:client", prefixes: {} }));
    expect(parsed.map((result) => (result.ok ? `${result.element.ns} ${result.element.name}` : result.error))).toEqual([
      "http://etherx.jabber.org/streams error",
      "urn:ietf:params:xml:ns:xmpp-framing close",
    ]);
  });

  it("says what came, where, what the session did and which section asks for it", () => {
    const entry = { seq: 7, error: "XML comments are not allowed in XMPP (RFC 6120 section 11.1)" } as TranscriptEntry;
    expect(refusalMessage(entry, "restricted-xml")).toBe(
      "the server sent restricted XML in #7 (XML comments are not allowed in XMPP (RFC 6120 section 11.1)), so the playground closed the stream with <restricted-xml/> as RFC 6120 sections 11.1 and 4.9.3.18 requires",
    );
  });
});
