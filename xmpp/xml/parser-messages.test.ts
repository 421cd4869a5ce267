import { describe, expect, it } from "vitest";
import { parseElement, parseStreamHeader } from "./parse-element";
import { findIllegalXmlChar } from "./xml-chars";
import { Transcript } from "../xmpp/transcript";

/** A parser's complaint names what it saw, where in the element, and the rule that forbids it. */

function errorOf(raw: string): string {
  const result = parseElement(raw);
  if (result.ok) throw new Error(`${raw} parsed`);
  return result.error;
}

describe("parser messages: disallowed characters (XML 1.0 section 2.2, Char)", () => {
  it("names the character as U+XXXX and its place in the element", () => {
    expect(errorOf("<a>x\u0001</a>")).toBe("U+0001 at character 5 is not allowed anywhere in XML, not even as text (XML 1.0 section 2.2, Char)");
    expect(errorOf("<a b='v'>\uFFFF</a>")).toMatch(/^U\+FFFF at character 10 is not allowed/);
    expect(errorOf("<a\u001F/>")).toMatch(/^U\+001F at character 3 /);
    // Offsets count UTF-16 units as the transcript's text does: an emoji before it is two.
    expect(errorOf("<a>😀\uFFFE</a>")).toMatch(/^U\+FFFE at character 6 /);
    // A line end the parser folds does not shift the count.
    expect(errorOf("<a>\r\n\u0002</a>")).toMatch(/^U\+0002 at character 6 /);
    expect(errorOf("<a>\u0000</a>")).toMatch(/^U\+0000 \(NUL\) at character 4 /);
  });

  it("names a lone low surrogate, and says a '<' in an attribute value must be &lt;", () => {
    expect(errorOf("<a>x\uDC00</a>")).toMatch(/^U\+DC00 at character 5 is not allowed/);
    expect(errorOf("<a b='x<y'/>")).toBe(`"<" at character 8 cannot stand inside an attribute value: write &lt; instead (XML 1.0 section 3.1, AttValue)`);
  });

  it("says the same as the check run on every entry before parsing", () => {
    const raw = "<message><body>a\u0007b</body></message>";
    expect(errorOf(raw)).toBe(findIllegalXmlChar(raw)?.message);
  });
});

describe("parser messages: entities (RFC 6120 section 11.1: only the five predefined ones)", () => {
  it("names an undefined entity and where it is, in text and in an attribute value", () => {
    expect(errorOf("<message><body>&lol;</body></message>")).toBe(
      "&lol; at character 16 is not an entity XMPP knows: only the five predefined ones (&lt; &gt; &amp; &quot; &apos;) and numeric references such as &#233; may be used, since no DTD may declare others (RFC 6120 section 11.1)",
    );
    expect(errorOf("<a b='x&nbsp;'/>")).toMatch(/^&nbsp; at character 8 is not an entity XMPP knows/);
  });

  it("names a character reference to something that is not a character", () => {
    expect(errorOf("<a>&#0;</a>")).toBe("&#0; at character 4 refers to U+0000 (NUL), which is not a character XML allows (XML 1.0 sections 4.1 and 2.2, Char)");
    expect(errorOf("<a>ok &#xD800;</a>")).toMatch(/^&#xD800; at character 7 refers to U\+D800, which is not a character/);
    expect(errorOf("<a>&#1114112;</a>")).toMatch(/^&#1114112; at character 4 refers to a number beyond U\+10FFFF/);
  });

  it("counts within a stream header too", () => {
    const result = parseStreamHeader("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' id='&x;'>");
    expect(result.ok ? "" : result.error).toMatch(/^&x; at character 68 is not an entity/);
  });

  it("reaches the transcript entry of a server's stanza", () => {
    const transcript = new Transcript();
    transcript.record("in", "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><message><body>&lol;</body></message>");
    expect(transcript.since(0).at(-1)).toMatchObject({ kind: "malformed", violation: "not-well-formed", error: expect.stringMatching(/^&lol; at character 16 is not an entity XMPP knows/) });
  });
});

describe("parsing a hostile stanza costs time in proportion to its size", () => {
  const time = (raw: string) => {
    const started = performance.now();
    const result = parseElement(raw);
    return { ms: performance.now() - started, result };
  };

  it("parses 50,000 nested elements about as fast as 50,000 siblings (namespace lookups do not walk the open elements)", () => {
    const depth = 50_000;
    const nested = time(`<message>${"<a>".repeat(depth)}${"</a>".repeat(depth)}</message>`);
    const siblings = time(`<message>${"<a></a>".repeat(depth)}</message>`);
    expect(nested.result).toMatchObject({ ok: true, element: { name: "message", ns: "jabber:client", children: [{ name: "a", ns: "jabber:client" }] } });
    expect(siblings.result.ok).toBe(true);
    // Walking the open elements for each lookup took minutes here (10^10 steps); in proportion it is the siblings' time.
    expect(nested.ms).toBeLessThan(20 * siblings.ms + 500);
  }, 60_000);

  it("keeps each declaration to its element, however deep, and puts back what it shadowed", () => {
    const deep = `<a xmlns:p='urn:outer'>${"<b>".repeat(2000)}<c xmlns:p='urn:inner'><p:x/></c><p:y/>${"</b>".repeat(2000)}</a>`;
    expect(parseElement(deep).ok).toBe(true);
    expect(parseElement("<a><b xmlns:p='urn:p'/><p:c/></a>")).toEqual({ ok: false, error: 'unbound namespace prefix: "p".' });
    const shadowed = parseElement("<iq xmlns='jabber:client'><query xmlns='jabber:iq:roster'><item/></query><x/></iq>");
    expect(shadowed).toMatchObject({ ok: true, element: { children: [{ name: "query", ns: "jabber:iq:roster", children: [{ name: "item", ns: "jabber:iq:roster" }] }, { name: "x", ns: "jabber:client" }] } });
    expect(parseElement("<message xml:lang='en'/>")).toMatchObject({ ok: true, element: { attrs: { "xml:lang": "en" } } });
  });

  it("stops at the first error instead of reading 100,000 more of them", () => {
    const broken = time(`<message>${"<p:a>".repeat(100_000)}</message>`);
    expect(broken.result).toEqual({ ok: false, error: 'unbound namespace prefix: "p".' });
  });
});
