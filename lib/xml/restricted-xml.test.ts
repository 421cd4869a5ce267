import { describe, expect, it } from "vitest";
import { findRestrictedXml, restrictedXmlRefusal } from "./restricted-xml";
import { findIllegalXmlChar } from "./xml-chars";
import { displayText, truncationNote, withVisibleControls } from "./display-text";
import { Transcript } from "../xmpp/transcript";

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<message><body>&lol2;</body></message>`;

describe("findRestrictedXml (RFC 6120 section 11.1)", () => {
  it("finds the DTD of the billion-laughs attack and points at it", () => {
    const found = findRestrictedXml(BILLION_LAUGHS);
    expect(found?.what).toBe("DTD or entity declaration");
    expect(BILLION_LAUGHS.slice(found!.offset, found!.offset + 9)).toBe("<!DOCTYPE");
    expect(found?.message).toMatch(/RFC 6120 section 11\.1/);
  });

  it("finds entity declarations, comments and processing instructions inside a stanza", () => {
    expect(findRestrictedXml("<message><!ENTITY x 'y'></message>")?.what).toBe("DTD or entity declaration");
    const comment = findRestrictedXml("<message><body>hi</body><!-- note --></message>");
    expect(comment).toMatchObject({ what: "comment", offset: 24, length: 13 });
    expect(findRestrictedXml("<presence/><?xml-stylesheet href='x'?>")?.what).toBe("processing instruction");
  });

  it("allows what only looks like them: text, attribute values, CDATA, the XML declaration", () => {
    expect(findRestrictedXml("<?xml version='1.0'?><stream:stream to='localhost'>")).toBeNull();
    expect(findRestrictedXml(`<message id="<!--x-->"><body>&lt;!DOCTYPE&gt; <![CDATA[<!DOCTYPE x><?pi?>]]></body></message>`)).toBeNull();
    expect(findRestrictedXml("<iq a='>' b=\"'<?'\"/>")).toBeNull();
    expect(findRestrictedXml("plain words, & more")).toBeNull();
  });

  it("scans on past an empty tag '<>' (the parser reports it), and finds a comment after it", () => {
    expect(findRestrictedXml("<><!-- x -->")).toMatchObject({ what: "comment", offset: 2, length: 10 });
  });

  it("says what to do in the refusal", () => {
    expect(restrictedXmlRefusal(findRestrictedXml("<a><!-- x --></a>")!)).toMatch(/^Not sent: XML comments are not allowed .* remove .*character 4/);
  });
});

describe("a comment between stanzas is the restricted piece, not the stanza after it (RFC 6120 section 11.1); the editor's half is in lib/editor/validate-stanza.test.ts", () => {
  const SERVER_HEADER = "<stream:stream from='localhost' id='s' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

  it("in the transcript: the comment is malformed restricted-xml, the stanza after it is a clean presence", () => {
    const transcript = new Transcript();
    transcript.record("in", SERVER_HEADER + "<!-- hidden -->");
    transcript.record("in", "<presence from='bob@localhost'/>");
    const [, comment, presence] = transcript.since(0);
    expect(comment).toMatchObject({ kind: "malformed", raw: "<!-- hidden -->", violation: "restricted-xml" });
    expect(comment?.error).toMatch(/^XML comments are not allowed in XMPP \(RFC 6120 section 11\.1\)/);
    expect(presence).toMatchObject({ kind: "presence", raw: "<presence from='bob@localhost'/>" });
    expect(presence?.error).toBeUndefined();
    expect(presence?.violation).toBeUndefined();
  });

});

describe("XML characters (XML 1.0 section 2.2)", () => {
  it("names NUL and other characters XML forbids, with where they are", () => {
    expect(findIllegalXmlChar("<a>\u0000</a>")).toMatchObject({ offset: 3, codeUnit: 0 });
    expect(findIllegalXmlChar("<a>\u0000</a>")?.message).toMatch(/^U\+0000 \(NUL\) at character 4 is not allowed/);
    expect(findIllegalXmlChar("x\uFFFF")?.offset).toBe(1);
    expect(findIllegalXmlChar("\uD83D")?.offset).toBe(0);
    expect(findIllegalXmlChar("tab\tnew\nline\r😀\uFFFD")).toBeNull();
  });

  it("draws invisible control characters as visible pictures", () => {
    expect(withVisibleControls("a\u0000b\u0007\tc\n")).toBe("a\u2400b\u2407\tc\n");
    const plain = "nothing to change";
    expect(withVisibleControls(plain)).toBe(plain);
  });
});

describe("displayText", () => {
  it("shows a long text's start, says how much is left out, and never splits a character", () => {
    const shown = displayText("x".repeat(9) + "😀" + "y".repeat(100), 10);
    expect(shown).toEqual({ text: "x".repeat(9), omitted: 102, total: 111 });
    expect(truncationNote(shown)).toBe("Showing the first 9 of 111 characters. Copy the entry or export the transcript for all of it.");
    expect(displayText("short\u0000", 10)).toEqual({ text: "short\u2400", omitted: 0, total: 6 });
  });
});

describe("findRestrictedXml: where each construct starts and ends, so the editor marks exactly it", () => {
  const at = (text: string, piece: string) => ({ offset: text.indexOf(piece), length: piece.length });
  it.each([
    ["a comment left open runs to the end", "<a><!-- never closed", "<!-- never closed", "comment"],
    ["a DOCTYPE's internal subset, to its ]>", "<!DOCTYPE x [<!ENTITY a 'b'>]><a/>", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "DTD or entity declaration"],
    ["a DOCTYPE without a subset, to its >, whatever brackets follow", "<!DOCTYPE x><a>[]></a>", "<!DOCTYPE x>", "DTD or entity declaration"],
    ["a subset left open, to the end", "<!DOCTYPE x [<!ENTITY a", "<!DOCTYPE x [<!ENTITY a", "DTD or entity declaration"],
    ["a processing instruction, to its ?>", "<a/><?php echo 1 ?><b/>", "<?php echo 1 ?>", "processing instruction"],
    ["a processing instruction named like the declaration", "<?xmlfoo x?>", "<?xmlfoo x?>", "processing instruction"],
    ["a comment inside a tag the parser will refuse", "<a <!-- x -->", "<!-- x -->", "comment"],
    ["a comment after a CDATA section", "<a><![CDATA[<!-- in -->]]><!-- out --></a>", "<!-- out -->", "comment"],
    ["a comment after an XML declaration", "<?xml version='1.0'?><!-- c -->", "<!-- c -->", "comment"],
    ["a processing instruction after a declaration that ends with a tab", "<?xml\tversion='1.0'?><?pi?>", "<?pi?>", "processing instruction"],
    ["a DOCTYPE with no bracket anywhere, to its >", "<!DOCTYPE x><a/>", "<!DOCTYPE x>", "DTD or entity declaration"],
    ["a comment after a whitespace keepalive", " <!-- x -->", "<!-- x -->", "comment"],
    ["a comment after text with an apostrophe in it", "<a>it's <!-- x --></a>", "<!-- x -->", "comment"],
    ["a comment after a quoted attribute value", "<a b='x'/><!-- c -->", "<!-- c -->", "comment"],
    ["a comment after a CDATA section with ]]> earlier in an attribute", "<a x=']]>'/><![CDATA[<!-- in -->]]><!-- out -->", "<!-- out -->", "comment"],
    ["a comment after a declaration with ?> just before it", "<a>?><?xml version='1.0'?><!-- c --></a>", "<!-- c -->", "comment"],
  ])("%s", (_what, text, piece, what) => {
    expect(findRestrictedXml(text)).toMatchObject({ ...at(text, piece), what });
  });

  it.each([
    ["a CDATA section never closed hides the rest as text", "<a><![CDATA[ <!-- text -->"],
    ["an XML declaration never closed", "<?xml version='1.0' <!-- x -->"],
    ["a tag never closed, with a comment in its quoted value", "<a b='<!-- x -->"],
    ["an XML declaration with no attributes", "<?xml?><a/>"],
    ["text follows the last tag", "<a/>some text, no tag after it"],
    ["a CDATA section ends with what looks like the start of a comment", "<a><![CDATA[x<!-]]></a>"],
    ["an XML declaration holds a < before its end", "<?xml <?>"],
  ])("finds nothing when %s", (_what, text) => {
    expect(findRestrictedXml(text)).toBeNull();
  });

  it("says, for each construct, what is wrong, where, and what to do instead", () => {
    const tail = "A server must close the stream with <restricted-xml/> on receiving it, so the playground never sends it.";
    expect(restrictedXmlRefusal(findRestrictedXml("<a><!-- x --></a>")!)).toBe(`Not sent: XML comments are not allowed in XMPP (RFC 6120 section 11.1): remove the <!-- ... --> part. It was at character 4. ${tail}`);
    expect(restrictedXmlRefusal(findRestrictedXml("<?pi?>")!)).toBe(
      `Not sent: processing instructions are not allowed in XMPP (RFC 6120 section 11.1): remove the <?...?> part (only an XML declaration may precede a stream header). It was at character 1. ${tail}`,
    );
    expect(restrictedXmlRefusal(findRestrictedXml("ab<!ENTITY x 'y'>")!)).toBe(
      `Not sent: DTDs and entity declarations (<!DOCTYPE>, <!ENTITY>) are not allowed in XMPP (RFC 6120 section 11.1): remove them, and write characters as &lt; &gt; &amp; &quot; &apos; or numeric references such as &#233;. It was at character 3. ${tail}`,
    );
  });
});
