import { describe, expect, it } from "vitest";
import { StreamFramer, incompleteWriteMessage, type Frame, type FramerOptions } from "./framing";

/**
 * Exact frames, every field: kind, raw, the message a person reads and the stream error it
 * calls for (RFC 6120 section 4.9.3). The other framing tests check boundaries and that no
 * byte is lost; these pin what each frame says, so a changed message or a lost violation fails.
 */
const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const OPEN: Frame = { raw: HEADER, kind: "stream-open" };
const COMMENT = "XML comments are not allowed in XMPP (RFC 6120 section 11.1)";
const INSTRUCTION = "processing instructions are not allowed in XMPP (RFC 6120 section 11.1)";
const DTD = '"<!" may only start a comment or CDATA here: DTDs and entity declarations are not allowed in XMPP (RFC 6120 section 11.1)';
const STRAY = "text outside of any element is not allowed between stanzas";

type Step = string | { write: true } | { end: true };
const WRITE: Step = { write: true };
const END: Step = { end: true };

/** The frames each step returned, in order, after the stream header (when the case starts with one). */
function frames(steps: Step[], options: FramerOptions = {}): { out: Frame[][]; pending: string } {
  const framer = new StreamFramer(options);
  const out = steps.map((step) => (typeof step === "string" ? framer.push(step) : "write" in step ? framer.endWrite() : framer.end()));
  return { out, pending: framer.pending() };
}

describe("StreamFramer, exact frames", () => {
  it("says what an incomplete write is, naming the element", () => {
    expect(incompleteWriteMessage("<iq>")).toBe(
      "this write ends before <iq> is complete: a server waits for the rest, and whatever a later write adds to it is recorded as the rest of <iq>",
    );
  });

  it("cuts whitespace before the first stream header as a keepalive of its own (no declaration is waiting)", () => {
    expect(frames(["  ", HEADER]).out).toEqual([[{ raw: "  ", kind: "whitespace" }], [OPEN]]);
  });

  it("keeps an XML declaration with the header that follows it, mid-stream too (a restart, RFC 6120 section 4.3.3)", () => {
    const declaration = "<?xml version='1.0'?>";
    expect(frames([HEADER, declaration, HEADER]).out).toEqual([[OPEN], [], [{ raw: declaration + HEADER, kind: "stream-open" }]]);
  });

  it("recognises a declaration after keepalives in the same chunk", () => {
    const declaration = "<?xml version='1.0'?>";
    expect(frames(["        " + declaration + HEADER]).out).toEqual([[{ raw: "        ", kind: "whitespace" }, { raw: declaration + HEADER, kind: "stream-open" }]]);
  });

  it("takes <?xmlfoo?> for a processing instruction, not a declaration", () => {
    expect(frames([HEADER, "<?xmlfoo?>"]).out[1]).toEqual([{ raw: "<?xmlfoo?>", kind: "malformed", error: INSTRUCTION, violation: "restricted-xml" }]);
  });

  it("refuses a processing instruction inside an element and at stream level, and carries on", () => {
    expect(frames([HEADER, "<a><?foo bar?></a>"]).out[1]).toEqual([{ raw: "<a><?foo bar?></a>", kind: "malformed", error: INSTRUCTION, violation: "restricted-xml" }]);
    expect(frames([HEADER, "<?foo bar?>", "<b/>"]).out.slice(1)).toEqual([
      [{ raw: "<?foo bar?>", kind: "malformed", error: INSTRUCTION, violation: "restricted-xml" }],
      [{ raw: "<b/>", kind: "element" }],
    ]);
  });

  it("refuses a comment inside an element, and the next stanza is clean", () => {
    expect(frames([HEADER, "<a><!-- c --></a><b/>"]).out[1]).toEqual([
      { raw: "<a><!-- c --></a>", kind: "malformed", error: COMMENT, violation: "restricted-xml" },
      { raw: "<b/>", kind: "element" },
    ]);
  });

  it("refuses a comment before any stream header", () => {
    expect(frames(["<!--x-->", HEADER]).out).toEqual([[{ raw: "<!--x-->", kind: "malformed", error: COMMENT, violation: "restricted-xml" }], [OPEN]]);
  });

  it("waits for enough text after '<!' to tell a comment, CDATA and a DOCTYPE apart", () => {
    expect(frames([HEADER, "<a><!", "-", "- x --></a>"]).out.slice(1)).toEqual([[], [], [{ raw: "<a><!-- x --></a>", kind: "malformed", error: COMMENT, violation: "restricted-xml" }]]);
    expect(frames([HEADER, "<!DOC", "TYPE x>"]).out.slice(1)).toEqual([[], [{ raw: "<!DOCTYPE x>", kind: "malformed", error: DTD, violation: "restricted-xml" }]]);
    expect(frames([HEADER, "<!x>"]).out[1]).toEqual([{ raw: "<!x>", kind: "malformed", error: DTD, violation: "restricted-xml" }]);
  });

  it("finds a CDATA terminator split across chunks", () => {
    expect(frames([HEADER, "<a><![CDATA[x]", "]>y]]></a>"]).out.slice(1)).toEqual([[], [{ raw: "<a><![CDATA[x]]>y]]></a>", kind: "element" }]]);
  });

  it("ends no element at '>' or '/>' inside either kind of quotes", () => {
    expect(frames([HEADER, "<message id='a/>'>x</message>"]).out[1]).toEqual([{ raw: "<message id='a/>'>x</message>", kind: "element" }]);
    expect(frames([HEADER, `<message id="a'>">x</message>`]).out[1]).toEqual([{ raw: `<message id="a'>">x</message>`, kind: "element" }]);
  });

  it("says why a '<' that starts nothing breaks the stream, keeps the whitespace before it, and keeps everything after", () => {
    const error = '"<" must start a tag, but it is followed by "1"';
    expect(frames([HEADER, "  <1", "", "more"]).out.slice(1)).toEqual([
      [
        { raw: "  ", kind: "whitespace" },
        { raw: "<1", kind: "malformed", error, violation: "not-well-formed" },
      ],
      [],
      [{ raw: "more", kind: "malformed", error, violation: "not-well-formed" }],
    ]);
  });

  it("says a start tag was not closed before the next '<'", () => {
    expect(frames([HEADER, "<a <b>"]).out[1]).toEqual([{ raw: "<a <b>", kind: "malformed", error: 'a start tag is not closed before the next "<"', violation: "not-well-formed" }]);
  });

  it("names end tags that close nothing", () => {
    expect(frames(["</a>"]).out[0]).toEqual([{ raw: "</a>", kind: "malformed", error: "an end tag closes an element that was never opened", violation: "not-well-formed" }]);
    expect(frames([HEADER, "</foo>"]).out[1]).toEqual([{ raw: "</foo>", kind: "malformed", error: "the end tag </foo> does not match any open element", violation: "not-well-formed" }]);
  });

  it("splits stray text from the stanza after it", () => {
    expect(frames([HEADER, "hi<a/>"]).out[1]).toEqual([
      { raw: "hi", kind: "malformed", error: STRAY, violation: "not-well-formed" },
      { raw: "<a/>", kind: "element" },
    ]);
  });

  it("closes the stream at its end tag with whitespace before '>', and an unprefixed stream too", () => {
    expect(frames([HEADER, "</stream:stream >"]).out[1]).toEqual([{ raw: "</stream:stream >", kind: "stream-close" }]);
    const open = "<stream xmlns='http://etherx.jabber.org/streams'>";
    expect(frames([open, "<a/>", "</stream>"]).out).toEqual([[{ raw: open, kind: "stream-open" }], [{ raw: "<a/>", kind: "element" }], [{ raw: "</stream>", kind: "stream-close" }]]);
  });

  it("does not take inner elements named like the stream (self-closed, a tab before '/', a longer name) for its end", () => {
    for (const stanza of ["<m><stream:stream/></m>", "<m><stream:stream\t/></m>", "<m><stream:streamx></stream:streamx></m>", "<m><stream:stream\n></stream:stream\r></m>"]) {
      expect(frames([HEADER, stanza, "</stream:stream>"]).out.slice(1), stanza).toEqual([[{ raw: stanza, kind: "element" }], [{ raw: "</stream:stream>", kind: "stream-close" }]]);
    }
  });

  it("counts an inner element named like the stream whatever follows its name, so its plain end tag closes it and not the stream", () => {
    for (const separator of [" ", "\t", "\r", "\n"]) {
      const stanza = `<m><stream:stream${separator}a='1'></stream:stream></m>`;
      expect(frames([HEADER, stanza, "</stream:stream>"]).out.slice(1), JSON.stringify(separator)).toEqual([[{ raw: stanza, kind: "element" }], [{ raw: "</stream:stream>", kind: "stream-close" }]]);
    }
  });

  it("cuts off an element over the limit with the setting's hint, at one character over and not at the limit", () => {
    const hinted = frames([HEADER, "<message>" + "x".repeat(20)], { maxFrameLength: 10, limitHint: " (SET_ME)" });
    expect(hinted.out[1]).toEqual([
      {
        raw: "<message>" + "x".repeat(20),
        kind: "malformed",
        error: "an element is longer than 10 characters, the most accepted here (SET_ME); the rest of this stream is kept as raw text",
        violation: "policy-violation",
      },
    ]);
    const atLimit = frames([HEADER, "<m>" + "x".repeat(7)], { maxFrameLength: 10 });
    expect(atLimit).toEqual({ out: [[OPEN], []], pending: "<m>xxxxxxx" });
    const over = frames([HEADER, "<m>" + "x".repeat(8)], { maxFrameLength: 10 });
    expect(over.out[1]).toEqual([
      { raw: "<m>xxxxxxxx", kind: "malformed", error: "an element is longer than 10 characters, the most accepted here; the rest of this stream is kept as raw text", violation: "policy-violation" },
    ]);
  });

  it("ends a write that holds only whole frames with nothing, and one that stops inside a tag with that tag", () => {
    expect(frames([HEADER, "<a/>", WRITE])).toEqual({ out: [[OPEN], [{ raw: "<a/>", kind: "element" }], []], pending: "" });
    expect(frames([HEADER, " <a", WRITE]).out.slice(1)).toEqual([[{ raw: " ", kind: "whitespace" }], [{ raw: "<a", kind: "malformed", error: incompleteWriteMessage("<a>") }]]);
  });

  it("marks the rest of an element written in two writes, and says nothing more when that write ends", () => {
    expect(frames([HEADER, "<a>", WRITE, "</a>", WRITE]).out.slice(1)).toEqual([
      [],
      [{ raw: "<a>", kind: "malformed", error: incompleteWriteMessage("<a>") }],
      [{ raw: "</a>", kind: "malformed", error: "the rest of <a>, whose start an earlier write sent: together they make one element", continues: "<a>" }],
      [],
    ]);
  });

  it("names the element after an XML declaration in a write that ends inside it", () => {
    expect(frames(["<?xml version='1.0'?><stream:stream xmlns='jabber:client'", WRITE]).out[1]).toEqual([
      { raw: "<?xml version='1.0'?><stream:stream xmlns='jabber:client'", kind: "malformed", error: incompleteWriteMessage("<stream:stream>") },
    ]);
  });

  it("names the element after an XML declaration that holds a '<' itself, not a name from inside the declaration", () => {
    const declaration = "<?xml version='1.0' x='<evil'?>";
    expect(frames([declaration + "<message to='a'", WRITE]).out[1]).toEqual([
      { raw: declaration + "<message to='a'", kind: "malformed", error: incompleteWriteMessage("<message>") },
    ]);
  });

  it("refuses a processing instruction after a declaration that waits for its header, and the header after it is clean", () => {
    const declaration = "<?xml version='1.0'?>";
    expect(frames([declaration + "<?foo?>", HEADER]).out).toEqual([[{ raw: declaration + "<?foo?>", kind: "malformed", error: INSTRUCTION, violation: "restricted-xml" }], [OPEN]]);
  });

  it("after a lone declaration's write, a keepalive is its own frame again, not held for a header", () => {
    const declaration = "<?xml version='1.0'?>";
    expect(frames([declaration, WRITE, " ", HEADER]).out).toEqual([
      [],
      [{ raw: declaration, kind: "malformed", error: "an XML declaration on its own: it belongs right before a stream header, in the same write", violation: "not-well-formed" }],
      [{ raw: " ", kind: "whitespace" }],
      [OPEN],
    ]);
  });

  it("a third write inside the same element carries what the earlier writes sent, and the connection's end adds nothing", () => {
    expect(frames([HEADER, "<a>", WRITE, "<b>", WRITE, END]).out.slice(1)).toEqual([
      [],
      [{ raw: "<a>", kind: "malformed", error: incompleteWriteMessage("<a>") }],
      [],
      [{ raw: "<b>", kind: "malformed", error: incompleteWriteMessage("<a>"), continues: "<a>" }],
      [],
    ]);
  });

  it("a write that ends inside a tag after stray text: the text and the tag are two frames", () => {
    expect(frames([HEADER, "x<a", WRITE]).out[2]).toEqual([
      { raw: "x", kind: "malformed", error: STRAY, violation: "not-well-formed" },
      { raw: "<a", kind: "malformed", error: incompleteWriteMessage("<a>") },
    ]);
  });

  it("closes the stream inside an element after an inner element named like it closed, and frames what follows at stream level", () => {
    expect(frames([HEADER, "<a><stream:stream></stream:stream></stream:stream>   <x/>"]).out[1]).toEqual([
      { raw: "<a><stream:stream></stream:stream>", kind: "malformed", error: "<a> is not closed before the stream's closing tag", violation: "not-well-formed" },
      { raw: "</stream:stream>", kind: "stream-close" },
      { raw: "   ", kind: "whitespace" },
      { raw: "<x/>", kind: "element" },
    ]);
  });

  it("does not count an inner element whose name only starts like the stream's", () => {
    expect(frames([HEADER, "<stream:streamx></stream:stream>"]).out[1]).toEqual([
      { raw: "<stream:streamx>", kind: "malformed", error: "<stream:streamx> is not closed before the stream's closing tag", violation: "not-well-formed" },
      { raw: "</stream:stream>", kind: "stream-close" },
    ]);
  });

  it("at the connection's end, hands back whitespace as whitespace and an open element as malformed", () => {
    expect(frames([HEADER, "  ", END]).out.slice(1)).toEqual([[{ raw: "  ", kind: "whitespace" }], []]);
    expect(frames([HEADER, "<a>", END]).out.slice(1)).toEqual([[], [{ raw: "<a>", kind: "malformed", error: "the connection ended in the middle of an element" }]]);
    expect(frames([HEADER, "<a> ", END]).out.slice(1)).toEqual([[], [{ raw: "<a> ", kind: "malformed", error: "the connection ended in the middle of an element" }]]);
  });
});
