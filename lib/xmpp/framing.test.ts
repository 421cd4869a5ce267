import { describe, expect, it } from "vitest";
import { StreamFramer, incompleteWriteMessage, type Frame } from "./framing";

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

  it("frames a large element read in many chunks, with a frame and the next one's start in one chunk", () => {
    const big = `<message id='big'><body>${"x".repeat(100_000)}</body><x a='${"y".repeat(50_000)}' b="q"/></message>`;
    const input = HEADER + big + PRESENCE + big + CLOSE;
    const chunks = Array.from({ length: Math.ceil(input.length / 4093) }, (_, i) => input.slice(i * 4093, (i + 1) * 4093));
    const { frames, pending } = frameAll(chunks);
    expect(frames.map((frame) => [frame.kind, frame.raw])).toEqual([
      ["stream-open", HEADER],
      ["element", big],
      ["element", PRESENCE],
      ["element", big],
      ["stream-close", CLOSE],
    ]);
    expect(pending).toBe("");
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

describe("StreamFramer: a comment between stanzas (RFC 6120 section 11.1)", () => {
  it("is a restricted-xml frame of its own, and the stanza after it is clean", () => {
    const { frames } = frameAll([HEADER + "<!-- a note -->" + PRESENCE]);
    expect(frames.slice(1)).toEqual([
      { kind: "malformed", raw: "<!-- a note -->", error: expect.stringMatching(/comments are not allowed in XMPP \(RFC 6120 section 11\.1\)/), violation: "restricted-xml" },
      { kind: "element", raw: PRESENCE },
    ]);
  });

  it("keeps the whitespace around it as keepalives, however the text is cut", () => {
    const text = HEADER + "\n<!-- a -- note -->\n" + PRESENCE;
    for (let cut = 0; cut <= text.length; cut++) {
      const { frames, pending } = frameAll([text.slice(0, cut), text.slice(cut)]);
      expect(pending).toBe("");
      const merged = mergeWhitespace(frames).slice(1);
      expect(merged.map((frame) => [frame.kind, frame.raw, frame.violation]), `cut at ${cut}`).toEqual([
        ["whitespace", "\n", undefined],
        ["malformed", "<!-- a -- note -->", "restricted-xml"],
        ["whitespace", "\n", undefined],
        ["element", PRESENCE, undefined],
      ]);
    }
  });

  it("before the first stream header too", () => {
    const { frames } = frameAll(["<!-- hi -->" + HEADER]);
    expect(frames.map((frame) => frame.kind)).toEqual(["malformed", "stream-open"]);
    expect(frames[0]?.violation).toBe("restricted-xml");
  });
});

describe("StreamFramer: when pieces are cut", () => {
  it("cuts stream-level whitespace at the end of the chunk that carried it, not at the next tag", () => {
    const framer = new StreamFramer();
    framer.push(HEADER);
    expect(framer.push(" ")).toEqual([{ kind: "whitespace", raw: " " }]);
    expect(framer.push("\n\t<pres")).toEqual([{ kind: "whitespace", raw: "\n\t" }]);
    expect(framer.push("ence/>")).toEqual([{ kind: "element", raw: PRESENCE }]);
    // Whitespace inside an element is the element's.
    expect(framer.push("<message> ")).toEqual([]);
    expect(framer.pending()).toBe("<message> ");
  });

  it("ends a whole write: an unfinished element is a frame with the write that sent it", () => {
    const framer = new StreamFramer();
    framer.push(HEADER);
    expect(framer.push(" <message><body>hi</body>")).toEqual([{ kind: "whitespace", raw: " " }]);
    expect(framer.endWrite()).toEqual([{ kind: "malformed", raw: "<message><body>hi</body>", error: incompleteWriteMessage("<message>") }]);
    expect(framer.pending()).toBe("");
    expect(framer.endWrite()).toEqual([]);
    // The scan kept its place: the next write's end of the element is found, and said to be the rest of it.
    const rest = framer.push("</message>" + PRESENCE);
    expect(rest).toEqual([
      { kind: "malformed", raw: "</message>", error: "the rest of <message>, whose start an earlier write sent: together they make one element", continues: "<message><body>hi</body>" },
      { kind: "element", raw: PRESENCE },
    ]);
  });

  it("ends a whole write inside a start tag, then finds the stanzas after it", () => {
    const framer = new StreamFramer();
    framer.push(HEADER);
    framer.push("<iq type='get' id='a>");
    expect(framer.endWrite()).toEqual([{ kind: "malformed", raw: "<iq type='get' id='a>", error: incompleteWriteMessage("<iq>") }]);
    expect(framer.push("'/>" + PRESENCE).map((frame) => [frame.kind, frame.raw])).toEqual([
      ["malformed", "'/>"],
      ["element", PRESENCE],
    ]);
  });

  it("ends a whole write of stray text or a lone XML declaration with a message", () => {
    const framer = new StreamFramer();
    framer.push("<?xml version='1.0'?>");
    expect(framer.endWrite()).toEqual([{ kind: "malformed", raw: "<?xml version='1.0'?>", error: expect.stringMatching(/declaration on its own/), violation: "not-well-formed" }]);
    framer.push(HEADER.replace(/^<\?xml[^>]*>/, "") + "hello");
    expect(framer.endWrite()).toEqual([{ kind: "malformed", raw: "hello", error: expect.stringMatching(/text outside of any element/), violation: "not-well-formed" }]);
  });

  it("ends the stream at its closing tag even inside an element left open, cutting that element off", () => {
    const { frames, pending } = frameAll([HEADER, "<message><body>cut", "</stream:stream>"]);
    expect(frames.slice(1)).toEqual([
      { kind: "malformed", raw: "<message><body>cut", error: "<message> is not closed before the stream's closing tag", violation: "not-well-formed" },
      { kind: "stream-close", raw: CLOSE },
    ]);
    expect(pending).toBe("");
  });

  it("does not take an element named like the stream, inside a stanza, for the stream's end", () => {
    const stanza = "<message><stream:stream xmlns:stream='urn:x'><x/></stream:stream ></message>";
    const { frames } = frameAll([HEADER, stanza, CLOSE]);
    expect(frames.slice(1)).toEqual([
      { kind: "element", raw: stanza },
      { kind: "stream-close", raw: CLOSE },
    ]);
  });
});

function mergeWhitespace(frames: Frame[]): Frame[] {
  const merged: Frame[] = [];
  for (const frame of frames) {
    const last = merged.at(-1);
    if (last?.kind === "whitespace" && frame.kind === "whitespace") merged[merged.length - 1] = { ...last, raw: last.raw + frame.raw };
    else merged.push(frame);
  }
  return merged;
}
