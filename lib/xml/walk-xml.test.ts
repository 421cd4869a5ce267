import { describe, expect, it } from "vitest";
import { deepMessage, manyAttributesMessage, wideMessage } from "../../test/hostile-xml";
import { MAX_PARSE_DEPTH, MAX_XML_DEPTH, XmlWalk, walkXml, withHeaderClosed, type WalkOptions } from "./walk-xml";

describe("walkXml", () => {
  it("hands out elements to the depth bound, and says the rest was left out", () => {
    const depths: number[] = [];
    const result = walkXml(deepMessage(100_000), {}, { open: (_tag, depth) => depths.push(depth) });
    expect(result).toEqual({ error: null, tooDeep: true, stopped: true, roots: 1, errorAt: 0 });
    expect(Math.max(...depths)).toBe(MAX_XML_DEPTH);
    expect(depths).toHaveLength(MAX_XML_DEPTH);
  });

  it("judges well-formedness below the view's bound, down to where the parse stops", () => {
    const broken = deepMessage(500).replace("deep</a>", "deep</b>");
    expect(walkXml(broken, {})).toMatchObject({ error: expect.stringMatching(/close tag/), tooDeep: true, stopped: false });
    expect(walkXml(deepMessage(MAX_PARSE_DEPTH + 10).replace("deep</a>", "deep</b>"), {})).toMatchObject({ error: null, stopped: true });
  });

  it("walks 100,000 siblings and 10,000 attributes", () => {
    let opened = 0;
    expect(walkXml(wideMessage(), {}, { open: () => opened++ }).tooDeep).toBe(false);
    expect(opened).toBe(100_001);
    let attributes = 0;
    walkXml(manyAttributesMessage(), {}, { open: (tag) => (attributes = Math.max(attributes, Object.keys(tag.attributes).length)) });
    expect(attributes).toBe(10_001); // and its xmlns
  });

  it("refuses a DTD and processing instructions (RFC 6120 section 11.1)", () => {
    expect(walkXml("<!DOCTYPE a><a/>", { fragment: false }).error).toMatch(/DTD is not allowed/);
    expect(walkXml("<a><?pi x?></a>", {}).error).toMatch(/processing instructions/);
  });

  it("closes a stream header, after any XML declaration", () => {
    expect(withHeaderClosed("<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>")).toMatch(/<\/stream:stream>$/);
    expect(withHeaderClosed("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'>")).toMatch(/<\/open>$/);
  });

  // Walks reuse the parsers of finished walks: whatever one walk left behind (an error, a
  // declaration, a DTD, an unclosed tag, a throw out of a handler) must not reach the next.
  it("gives each walk the same events and result whatever walks came before it", () => {
    const texts: [string, WalkOptions][] = [
      ["<message to='a@b'><body>hi &amp; bye</body></message>", { namespaces: { "": "jabber:client" } }],
      ["<a><b>", {}],
      ["<a>&bogus;</a>", { position: true }],
      ["<!DOCTYPE a><a/>", { fragment: false }],
      ["<?xml version='1.0'?><a/>", { fragment: false }],
      ["<?pi x?><a/>", {}],
      ["<x:a/>", {}],
      ["<a/>tail<b/>", { fragment: false }],
      ["<a><![CDATA[<raw>]]></a><c/>", { position: true }],
      [deepMessage(MAX_XML_DEPTH + 5), { maxDepth: 3 }],
      [deepMessage(MAX_PARSE_DEPTH + 5), {}],
      ["<s:s xmlns:s='http://etherx.jabber.org/streams'><f/></s:s>", { fragment: false, namespaces: { stream: "http://etherx.jabber.org/streams" } }],
    ];
    const log = ([text, options]: [string, WalkOptions]) => {
      const events: string[] = [];
      const result = walkXml(text, options, {
        openStart: (at) => events.push(`start ${at}`),
        open: (tag, depth, at) => events.push(`open ${tag.name} ${tag.uri} ${depth} ${at}`),
        close: (depth, at) => events.push(`close ${depth} ${at}`),
        text: (data, depth, cdata) => events.push(`text ${data} ${depth} ${cdata}`),
        problem: (message, at) => events.push(`problem ${message} ${at}`),
      });
      return { events, result };
    };
    const alone = texts.map(log);
    // Again in reverse, each after a walk whose handler threw and one fed halfway and dropped.
    for (let i = texts.length - 1; i >= 0; i--) {
      walkXml("<a><b/></a>", {}, {
        open: () => {
          throw new Error("a caller's handler failed");
        },
      });
      new XmlWalk(texts[i]![1]).write("<half");
      expect(log(texts[i]!)).toEqual(alone[i]);
    }
  });

  it("keeps a walk fed piece by piece apart from the walks that run meanwhile", () => {
    const opened: string[] = [];
    const slow = new XmlWalk({}, { open: (tag) => opened.push(tag.name) });
    slow.write("<message><bo");
    for (const text of ["<x/>", "<y><z/></y>", "<broken>"]) walkXml(text, {}, { open: (tag) => opened.push(`other ${tag.name}`) });
    slow.write("dy>hi</body></message>");
    expect(slow.end()).toEqual({ error: null, tooDeep: false, stopped: false, roots: 1, errorAt: 0 });
    expect(opened).toEqual(["message", "other x", "other y", "other z", "other broken", "body"]);
  });

  it("walks text inside another walk's handler", () => {
    const inner: string[] = [];
    const outer = walkXml("<a><b/></a>", {}, { open: (tag) => inner.push(`${tag.name}:${walkXml(`<${tag.name}x><c/></${tag.name}x>`, {}).roots}`) });
    expect(outer.error).toBeNull();
    expect(inner).toEqual(["a:1", "b:1"]);
  });

  it("calls none of a finished walk's handlers from a later walk", () => {
    const late: string[] = [];
    walkXml("<a>text</a>", {}, { openStart: () => late.push("start"), text: () => late.push("text"), open: () => late.push("open") });
    late.length = 0;
    walkXml("<b>more text<![CDATA[x]]></b>", {});
    expect(late).toEqual([]);
  });
});
