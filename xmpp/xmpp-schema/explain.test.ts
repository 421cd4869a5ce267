import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../xmpp/entry";
import { explainEntry } from "./explain";

function entry(raw: string, fields: Partial<TranscriptEntry> = {}): TranscriptEntry {
  return { seq: 1, dir: "in", at: 0, wall: 0, raw, kind: "other", ...fields };
}

describe("explainEntry", () => {
  it("explains each element and attribute of a message, with spec links", () => {
    const explanation = explainEntry(
      entry(`<message to="bob@localhost" type="chat" id="m1"><body>hi</body></message>`, { dir: "out", kind: "message", attrs: { to: "bob@localhost", type: "chat", id: "m1" } }),
    );
    expect(explanation.summary).toBe("You send a message of type chat to bob@localhost.");
    expect(explanation.elements.map((element) => [element.depth, element.qname, element.spec])).toEqual([
      [0, "message", "https://www.rfc-editor.org/rfc/rfc6121#section-5"],
      [1, "body", "https://www.rfc-editor.org/rfc/rfc6121#section-5.2.3"],
    ]);
    const type = explanation.elements[0]!.attributes.find((attribute) => attribute.name === "type")!;
    expect(type.doc).toContain("RFC 6121 section 5.2.2");
    expect(type.valueDoc).toContain("one-to-one");
    expect(explanation.elements[1]!.text).toBe("hi");
    expect(explanation.error).toBeNull();
  });

  it("says what a stanza error means, what its type asks and how to fix it", () => {
    const raw = `<iq type="error" id="r1" from="nobody@localhost"><query xmlns="jabber:iq:version"/><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">No such user</text></error></iq>`;
    const explanation = explainEntry(entry(raw, { kind: "iq", error: "item-not-found", attrs: { type: "error", id: "r1" }, pair: 3 }));
    expect(explanation.error).toMatchObject({
      kind: "stanza-error",
      condition: "item-not-found",
      spec: "https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.7",
      type: { value: "cancel" },
      text: "No such user",
    });
    expect(explanation.error?.fix).toContain("'to'");
    expect(explanation.summary).toContain("answers #3");
  });

  it("explains a stream error and a SASL failure", () => {
    const stream = explainEntry(
      entry(`<stream:error><not-well-formed xmlns="urn:ietf:params:xml:ns:xmpp-streams"/></stream:error>`, { kind: "stream-error", error: "not-well-formed" }),
    );
    expect(stream.error).toMatchObject({ kind: "stream-error", condition: "not-well-formed", spec: "https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.13" });
    expect(stream.summary).toContain("fatal");
    const sasl = explainEntry(entry(`<failure xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><not-authorized/></failure>`, { kind: "sasl" }));
    expect(sasl.error).toMatchObject({ kind: "sasl-failure", condition: "not-authorized", spec: "https://www.rfc-editor.org/rfc/rfc6120#section-6.5.10" });
  });

  it("reads a stream header, which never closes", () => {
    const explanation = explainEntry(
      entry(`<?xml version='1.0'?><stream:stream id='abc' from='localhost' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`, { kind: "stream-open" }),
    );
    expect(explanation.elements[0]?.qname).toBe("stream:stream");
    expect(explanation.elements[0]?.attributes.find((attribute) => attribute.name === "id")?.doc).toContain("stream ID");
    expect(explanation.elements[0]?.attributes.find((attribute) => attribute.name === "xmlns")?.doc).toContain("Stanzas between a client and its server");
  });

  it("handles entries that are not elements", () => {
    expect(explainEntry(entry("connected", { kind: "status", dir: "event" })).summary).toContain("not XML on the wire");
    expect(explainEntry(entry(" ", { kind: "whitespace" })).summary).toContain("keepalive");
    const malformed = explainEntry(entry("<message><body>x</message>", { kind: "malformed", dir: "out", error: "the end tag does not match" }));
    expect(malformed.error).toMatchObject({ kind: "not-well-formed", meaning: "Not well-formed: the end tag does not match." });
  });

  it("keeps server text as data and marks what the schema does not know", () => {
    const explanation = explainEntry(entry(`<message><body>&lt;img src=x onerror=alert(1)&gt;</body><x xmlns="urn:example:thing"/></message>`, { kind: "message" }));
    expect(explanation.elements[1]?.text).toBe("<img src=x onerror=alert(1)>");
    expect(explanation.elements[2]).toMatchObject({ qname: "x", doc: null, spec: null });
  });

  it("limits a huge roster to what a panel can show", () => {
    const items = Array.from({ length: 100 }, (_, index) => `<item jid="c${index}@localhost" subscription="both"/>`).join("");
    const explanation = explainEntry(entry(`<iq type="result" id="r"><query xmlns="jabber:iq:roster">${items}</query></iq>`, { kind: "iq", attrs: { type: "result" } }));
    expect(explanation.elements).toHaveLength(60);
    expect(explanation.notes[0]).toContain("first 60 of 102");
  });
});
