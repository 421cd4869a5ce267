import { describe, expect, it } from "vitest";
import { deepMessage } from "../../test/hostile-xml";
import { XmlWalk, walkXml, MAX_PARSE_DEPTH } from "./walk-xml";
import { parseElement, parseStreamHeader, startElementParse, startStreamHeaderParse } from "./parse-element";
import { IllegalCharScan, findIllegalXmlChar } from "./xml-chars";

/**
 * The incremental forms (XmlWalk, startElementParse, IllegalCharScan) must say exactly what
 * the whole-text forms say, wherever the text is cut: the bridge parses an element from a
 * socket piece by piece as it arrives and uses that as the element's parse.
 */

const ELEMENTS = [
  "<message xmlns='jabber:client' to='bob@localhost' type='chat'><body>caf\u00e9 \ud83d\ude00 &amp; &#233;</body></message>",
  "<iq type='result' id='a1'><query xmlns='jabber:iq:roster'><item jid='x@y' name='&lt;x&gt;'/></query></iq>",
  "<message><body>a\r\nb<![CDATA[<not a tag>]]></body></message>",
  "<message><body>&lol;</body></message>",
  "<message><body>unclosed</message>",
  "<message><body>two</body></message><presence/>",
  "<message><?pi x?></message>",
  "<message to='a<b'/>",
  "<a:message xmlns:a='urn:x'><b:x/></a:message>",
  "stray <message/>",
  "",
];

/** Every way to cut `text` in two, and a few in three. */
function cutsOf(text: string): string[][] {
  const cuts: string[][] = [];
  for (let at = 0; at <= text.length; at++) cuts.push([text.slice(0, at), text.slice(at)]);
  for (let at = 1; at < text.length - 1; at += 7) cuts.push([text.slice(0, at), text.slice(at, at + 3), text.slice(at + 3)]);
  return cuts;
}

describe("XmlWalk", () => {
  it("finds in pieces what walkXml finds in the whole text, events included", () => {
    for (const text of ELEMENTS) {
      const whole: string[] = [];
      const expected = walkXml(text, {}, { open: (tag, depth) => whole.push(`${depth} ${tag.name}`), text: (data, depth) => whole.push(`${depth} "${data}"`) });
      for (const pieces of cutsOf(text)) {
        const events: string[] = [];
        const walk = new XmlWalk({}, { open: (tag, depth) => events.push(`${depth} ${tag.name}`), text: (data, depth) => events.push(`${depth} "${data}"`) });
        for (const piece of pieces) walk.write(piece);
        expect(walk.end(), JSON.stringify(pieces)).toEqual(expected);
        // Text may come in more events when cut; what it says is the same.
        expect(events.filter((event) => !event.includes('"')), JSON.stringify(pieces)).toEqual(whole.filter((event) => !event.includes('"')));
      }
    }
  });

  it("stops reading past MAX_PARSE_DEPTH, and reads nothing written after that", () => {
    const text = deepMessage(MAX_PARSE_DEPTH + 50);
    const walk = new XmlWalk({});
    const half = Math.floor(text.length / 2);
    walk.write(text.slice(0, half));
    walk.write(text.slice(half));
    expect(walk.end()).toEqual(walkXml(text, {}));
    expect(walk.end()).toMatchObject({ stopped: true, tooDeep: true });
  });
});

describe("startElementParse and startStreamHeaderParse", () => {
  it("return what parseElement returns, wherever the element is cut", () => {
    for (const text of ELEMENTS) {
      const expected = parseElement(text);
      for (const pieces of cutsOf(text)) {
        const parse = startElementParse();
        for (const piece of pieces) parse.write(piece);
        expect(parse.finish(text), JSON.stringify(pieces)).toEqual(expected);
      }
    }
  });

  it("return what parseStreamHeader returns, with or without the XML declaration", () => {
    const headers = [
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='x' version='1.0'>",
      "<stream xmlns='jabber:server' xmlns:db='jabber:server:dialback'>",
      "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' a='<'>",
    ];
    for (const text of headers) {
      const expected = parseStreamHeader(text);
      for (const pieces of cutsOf(text)) {
        const parse = startStreamHeaderParse();
        for (const piece of pieces) parse.write(piece);
        expect(parse.finish(text), JSON.stringify(pieces)).toEqual(expected);
      }
    }
    expect(parseStreamHeader(headers[0]!).ok).toBe(true);
    expect(parseStreamHeader(headers[2]!).ok).toBe(false);
  });
});

describe("IllegalCharScan", () => {
  it("finds what findIllegalXmlChar finds, at the same offset, wherever a surrogate pair is cut", () => {
    const texts = ["a\ud83d\ude00b\u0000c", "ab\ud83dc", "ab\ude00c", "abc\ud83d", "\ude00", "x\uffffy", "clean \ud83d\ude00 text", "a\ud83d\ude00\ud83d"];
    for (const text of texts) {
      const expected = findIllegalXmlChar(text);
      for (const pieces of cutsOf(text)) {
        const scan = new IllegalCharScan();
        for (const piece of pieces) scan.write(piece);
        expect(scan.end(), JSON.stringify(pieces)).toEqual(expected);
      }
    }
    expect(findIllegalXmlChar("ab\ud83dc")?.offset).toBe(2);
    expect(findIllegalXmlChar("clean \ud83d\ude00 text")).toBeNull();
  });
});
