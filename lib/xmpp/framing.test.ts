import { describe, expect, it } from "vitest";
import { StreamFramer, type Frame } from "./framing";

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
const FEATURES =
  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
const MESSAGE = "<message to='bob@localhost' type='chat' id='m1'><body>a &lt; b, \"quoted\" > 'x' <![CDATA[<not-a-tag>]]></body></message>";
const PRESENCE = "<presence/>";
const CLOSE = "</stream:stream>";
const SESSION = HEADER + FEATURES + MESSAGE + " " + PRESENCE + "\n" + CLOSE;

function frameAll(chunks: string[]): { frames: Frame[]; pending: string } {
  const framer = new StreamFramer();
  const frames = chunks.flatMap((chunk) => framer.push(chunk));
  return { frames, pending: framer.pending() };
}

function summary(frames: Frame[]): string[] {
  return frames.map((frame) => `${frame.kind}:${frame.raw}`);
}

describe("StreamFramer", () => {
  it("splits a whole session into header, elements, keepalives and close", () => {
    const { frames, pending } = frameAll([SESSION]);
    expect(summary(frames)).toEqual([
      `stream-open:${HEADER}`,
      `element:${FEATURES}`,
      `element:${MESSAGE}`,
      "whitespace: ",
      `element:${PRESENCE}`,
      "whitespace:\n",
      `stream-close:${CLOSE}`,
    ]);
    expect(pending).toBe("");
  });

  it("gives the same frames whatever byte offset the input is split at", () => {
    const expected = summary(frameAll([SESSION]).frames);
    for (let cut = 0; cut <= SESSION.length; cut++) {
      const { frames, pending } = frameAll([SESSION.slice(0, cut), SESSION.slice(cut)]);
      expect(summary(frames), `split at ${cut}`).toEqual(expected);
      expect(pending).toBe("");
    }
  });

  it("frames character by character", () => {
    const { frames } = frameAll([...SESSION]);
    expect(summary(frames)).toEqual(summary(frameAll([SESSION]).frames));
  });

  it("returns several stanzas that arrive in one chunk, in order", () => {
    const stanzas = Array.from({ length: 50 }, (_, i) => `<message id='${i}'><body>${i}</body></message>`);
    const { frames } = frameAll([HEADER + stanzas.join("")]);
    expect(frames.map((frame) => frame.raw)).toEqual([HEADER, ...stanzas]);
  });

  it("emits a stream header alone as soon as its tag is complete", () => {
    const framer = new StreamFramer();
    expect(framer.push(HEADER.slice(0, -1))).toEqual([]);
    expect(framer.push(HEADER.slice(-1))).toEqual([{ kind: "stream-open", raw: HEADER }]);
  });

  it("treats a new header at stream level as a restart (RFC 6120 section 4.3.3)", () => {
    const restart = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
    const { frames } = frameAll([HEADER, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>", restart, PRESENCE]);
    expect(frames.map((frame) => frame.kind)).toEqual(["stream-open", "element", "stream-open", "element"]);
  });

  it("keeps the text of a WebSocket session, where each message is one element (RFC 7395)", () => {
    const open = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>";
    const { frames } = frameAll([open, PRESENCE, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"]);
    expect(frames.map((frame) => frame.kind)).toEqual(["element", "element", "element"]);
  });

  it("does not end an element at a > inside an attribute value", () => {
    const stanza = "<message id='a>b' to=\"x>y\"><body/></message>";
    const { frames } = frameAll([HEADER, stanza.slice(0, 10), stanza.slice(10)]);
    expect(frames[1]).toEqual({ kind: "element", raw: stanza });
  });

  it("records a comment as malformed and carries on (RFC 6120 section 11.1)", () => {
    const { frames } = frameAll([HEADER + "<message><!-- hi --></message>" + PRESENCE]);
    expect(frames[1]).toMatchObject({ kind: "malformed", raw: "<message><!-- hi --></message>" });
    expect(frames[1]?.error).toMatch(/comments are not allowed/);
    expect(frames[2]).toEqual({ kind: "element", raw: PRESENCE });
  });

  it("refuses a DTD and keeps everything after it as malformed text", () => {
    const framer = new StreamFramer();
    const frames = [
      ...framer.push("<?xml version='1.0'?><!DOCTYPE lol [<!ENTITY lol 'lol'>]>"),
      ...framer.push("<message>&lol;</message>"),
    ];
    expect(frames.every((frame) => frame.kind === "malformed")).toBe(true);
    expect(frames[0]?.error).toMatch(/DTDs and entity declarations are not allowed/);
    expect(frames.map((frame) => frame.raw).join("")).toBe("<?xml version='1.0'?><!DOCTYPE lol [<!ENTITY lol 'lol'>]><message>&lol;</message>");
  });

  it("reports a stray '<' with a message and keeps the bytes", () => {
    const { frames, pending } = frameAll([HEADER, "<message><<body/></message>"]);
    expect(frames[1]?.kind).toBe("malformed");
    expect(frames[1]?.error).toMatch(/must start a tag/);
    expect(frames.map((frame) => frame.raw).join("") + pending).toBe(HEADER + "<message><<body/></message>");
  });

  it("flags text between stanzas that is not whitespace", () => {
    const { frames } = frameAll([HEADER, "hello", PRESENCE]);
    expect(frames[1]).toMatchObject({ kind: "malformed", raw: "hello" });
    expect(frames[2]).toEqual({ kind: "element", raw: PRESENCE });
  });

  it("hands back an unfinished element as malformed when the connection ends", () => {
    const framer = new StreamFramer();
    framer.push(HEADER + "<message><body>half");
    expect(framer.end()).toEqual([{ kind: "malformed", raw: "<message><body>half", error: "the connection ended in the middle of an element" }]);
  });

  it("cuts off an element longer than the limit instead of buffering it forever", () => {
    const framer = new StreamFramer({ maxFrameLength: 100 });
    const frames = [...framer.push(HEADER), ...framer.push("<message><body>" + "x".repeat(200))];
    expect(frames[1]?.kind).toBe("malformed");
    expect(frames[1]?.error).toMatch(/longer than 100/);
    expect(framer.pending()).toBe("");
  });
});
