import { describe, expect, it } from "vitest";
import { validateStanza, type Diagnostic, type EditorMode } from "./validate-stanza";

const HEADER = `<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;

/** Each diagnostic as [severity, code, the text it marks]: what a person sees underlined. */
function marks(text: string, mode: EditorMode = "guided"): [Diagnostic["severity"], string, string][] {
  return validateStanza(text, mode).map((diagnostic) => [diagnostic.severity, diagnostic.code, text.slice(diagnostic.offset, diagnostic.offset + diagnostic.length)]);
}

function only(text: string, mode: EditorMode = "guided"): Diagnostic {
  const diagnostics = validateStanza(text, mode);
  expect(diagnostics).toHaveLength(1);
  return diagnostics[0]!;
}

describe("validateStanza: well-formed stanzas pass", () => {
  it.each([
    `<message to="bob@localhost" type="chat"><body>hi</body></message>`,
    `<iq type="get" id="p1" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`,
    `<iq type="result" id="p1"/>`,
    `<presence><show>dnd</show><status>busy</status><priority>-1</priority></presence>`,
    `<presence to="room@conference.localhost/me"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="0"/></x></presence>`,
    `<iq type="set" id="r"><query xmlns="jabber:iq:roster"><item jid="bob@localhost" subscription="remove"/></query></iq>`,
    `<iq type="error" id="e"><ping xmlns="urn:xmpp:ping"/><error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>`,
    `<message to="bob@localhost"><body>one</body></message>\n<message to="bob@localhost"><body>two</body></message>`,
    `<enable xmlns="urn:xmpp:sm:3"/>`,
    `<iq type='set' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>by-hand</resource></bind></iq>`,
    `<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"/>`,
    `<response xmlns="urn:ietf:params:xml:ns:xmpp-sasl">bm9uY2U=</response>`,
    `<iq type="get" id="v" to="localhost" xml:lang="en"><query xmlns="jabber:iq:version" xml:lang="en"/></iq>`,
    `<message to="room@conference.localhost" type="groupchat"><body>hi</body></message>`,
    `   \n`,
  ])("%s", (text) => {
    expect(marks(text)).toEqual([]);
  });
});

describe("validateStanza: well-formedness, placed on the spot", () => {
  it("says which element is still open when a wrong end tag comes", () => {
    const text = "<message><body>oops</message>";
    const diagnostic = only(text);
    expect(diagnostic.severity).toBe("error");
    expect(text.slice(diagnostic.offset, diagnostic.offset + diagnostic.length)).toBe("</message>");
    expect(diagnostic.message).toContain("</body>");
  });

  it("marks an element that is never closed at its start tag", () => {
    expect(marks(`<message to="bob@localhost"><body>hi</body>`)).toEqual([["error", "not-well-formed", "<message"]]);
  });

  it("explains entities, duplicate attributes, bare ampersands and undeclared prefixes", () => {
    expect(only("<message><body>&nbsp;</body></message>").message).toMatch(/&nbsp; is not an entity/);
    expect(marks(`<iq type="get" type="set" id="1"/>`)).toEqual([["error", "not-well-formed", "type"]]);
    expect(only(`<message><body>AT&T</body></message>`).message).toContain("&amp;");
    expect(only(`<message><x:y/></message>`).message).toContain(`xmlns:x=`);
  });

  it("refuses a DTD, the billion-laughs pattern and entity declarations with one clear marker (RFC 6120 section 11.1)", () => {
    const laughs = "<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol1 '&lol;&lol;&lol;'>]><message><body>&lol1;</body></message>";
    expect(marks(laughs)).toEqual([["error", "restricted-xml", "<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol1 '&lol;&lol;&lol;'>]>"]]);
    expect(only("<message><!ENTITY a 'b'><body/></message>").message).toMatch(/^DTDs and entity declarations .* are not allowed in XMPP \(RFC 6120 section 11\.1\)/);
  });

  it("refuses comments and processing instructions (RFC 6120 section 11.1)", () => {
    expect(marks("<message><!-- note --><body>x</body></message>")).toEqual([["error", "restricted-xml", "<!-- note -->"]]);
    expect(marks("<?xml version='1.0'?><message/>")[0]?.[2]).toBe("<?xml version='1.0'?>");
  });

  it("refuses text outside any element", () => {
    expect(marks("hello <presence/>")).toEqual([["error", "stray-text", "hello"]]);
  });
});

describe("validateStanza: stanza rules of RFC 6120 section 8", () => {
  it("wants an id and a type on every iq", () => {
    const found = marks(`<iq><ping xmlns="urn:xmpp:ping"/></iq>`).map(([, code]) => code);
    expect(found.filter((code) => code === "missing-attribute")).toHaveLength(2);
  });

  it("wants exactly one child in a get or set, and says so", () => {
    const empty = only(`<iq type="get" id="1"/>`);
    expect(empty.message).toMatch(/an iq of type get needs exactly one child, the query; add one/i);
    const two = `<iq type="set" id="1"><query xmlns="jabber:iq:roster"/><ping xmlns="urn:xmpp:ping"/></iq>`;
    expect(marks(two)).toEqual([["error", "iq-child-count", "ping"]]);
    expect(marks(`<iq type="result" id="1"><ping xmlns="urn:xmpp:ping"/><ping xmlns="urn:xmpp:ping"/></iq>`)).toEqual([["error", "iq-child-count", "ping"]]);
  });

  it("knows the type values of each stanza", () => {
    expect(marks(`<iq type="fetch" id="1"><ping xmlns="urn:xmpp:ping"/></iq>`)).toEqual([["error", "bad-value", "fetch"]]);
    expect(marks(`<message type="groupchat"><body>x</body></message>`)).toEqual([]);
    expect(marks(`<presence type="chat"/>`)).toEqual([["error", "bad-value", "chat"]]);
    expect(only(`<message type="get"/>`).message).toContain("chat, groupchat, headline, normal, error");
  });

  it("checks to and from as JIDs", () => {
    expect(marks(`<message to="bob@"><body>x</body></message>`)).toEqual([["error", "bad-jid", "bob@"]]);
    expect(marks(`<message to="@localhost"><body>x</body></message>`)).toEqual([["error", "bad-jid", "@localhost"]]);
    expect(marks(`<presence to="bob smith@localhost"/>`)).toEqual([["error", "bad-jid", "bob smith@localhost"]]);
    expect(marks(`<presence to=""/>`)[0]?.[1]).toBe("bad-jid");
    expect(marks(`<presence to="room@conference.localhost/Nick Name"/>`)).toEqual([]);
  });

  it("asks for a condition in an error", () => {
    expect(marks(`<iq type="error" id="1"><error type="cancel"/></iq>`)).toEqual([["error", "error-without-condition", "error"]]);
    expect(marks(`<iq type="error" id="1"/>`)).toEqual([["warning", "error-without-condition", "iq"]]);
  });
});

describe("validateStanza: elements in the right namespace and place", () => {
  it("sends <ping> to urn:xmpp:ping when the xmlns is missing", () => {
    const diagnostic = only(`<iq type="get" id="1"><ping/></iq>`);
    expect(diagnostic.code).toBe("wrong-namespace");
    expect(diagnostic.message).toContain(`add xmlns="urn:xmpp:ping"`);
  });

  it("puts a condition in the stanzas namespace", () => {
    const diagnostic = only(`<iq type="error" id="x"><error type="cancel"><item-not-found/></error></iq>`);
    expect(diagnostic.message).toContain("urn:ietf:params:xml:ns:xmpp-stanzas");
  });

  it("keeps <body> in a message", () => {
    expect(marks(`<iq type="get" id="1"><body>x</body></iq>`)).toEqual([["error", "misplaced", "body"]]);
    expect(only(`<ping xmlns="urn:xmpp:ping"/>`).message).toContain("inside <iq>");
  });

  it("suggests a stanza for a misspelt top-level element", () => {
    expect(only(`<mesage to="bob@localhost"/>`).message).toContain("did you mean <message>");
  });

  it("warns about unknown elements in known namespaces and near-miss namespaces", () => {
    expect(marks(`<iq type="get" id="1"><query xmlns="jabber:iq:roster"><foo/></query></iq>`)).toEqual([["warning", "unknown-element", "foo"]]);
    expect(marks(`<iq type="get" id="1"><query xmlns="jabber:iq:rooster"/></iq>`)).toEqual([["warning", "namespace-typo", "jabber:iq:rooster"]]);
    expect(marks(`<message><body>x</body><x xmlns="jabber:x:oob"><url>https://example.org</url></x></message>`)).toEqual([]);
  });

  it("checks enumerated attribute values and text content", () => {
    expect(marks(`<iq type="set" id="1"><query xmlns="jabber:iq:roster"><item jid="bob@localhost" subscription="maybe"/></query></iq>`)).toEqual([["error", "bad-value", "maybe"]]);
    expect(marks(`<presence><show>busy</show></presence>`)).toEqual([["error", "bad-text", "busy"]]);
    expect(marks(`<presence><priority>200</priority></presence>`)).toEqual([["error", "bad-text", "200"]]);
    expect(marks(`<iq type="set" id="1"><query xmlns="jabber:iq:roster"><item/></query></iq>`)).toEqual([["error", "missing-attribute", "item"]]);
  });
});

describe("validateStanza: the stream itself", () => {
  it("accepts a stream header and a login in raw mode", () => {
    expect(marks(HEADER, "raw")).toEqual([]);
    expect(marks(`${HEADER}<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAGFsaWNl</auth>`, "raw")).toEqual([]);
    expect(marks("</stream:stream>", "raw")).toEqual([]);
    expect(marks(`<presence type="unavailable"/>\n</stream:stream>\n`, "raw")).toEqual([]);
  });

  it("uses the namespaces the header declares for what follows", () => {
    const text = `<stream:stream to='localhost' xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>`;
    expect(marks(text, "raw")).toEqual([]);
  });

  it("blocks a header in guided mode and warns about closing the stream", () => {
    expect(marks(HEADER, "guided").map(([severity, code]) => [severity, code])).toEqual([["error", "header-in-guided"]]);
    expect(marks("</stream:stream>", "guided")).toEqual([["warning", "stream-close", "</stream:stream>"]]);
  });

  it("explains what a header lacks", () => {
    expect(only(`<stream:stream to='localhost' xmlns='jabber:client' version='1.0'>`, "raw").message).toContain(`xmlns:stream="http://etherx.jabber.org/streams"`);
    const codes = marks(`<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>`, "raw").map(([, code]) => code);
    expect(codes).toEqual(["bad-header", "header-version", "header-to"]);
    expect(marks(`<stream:stream to='localhost' xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`, "raw")).toEqual([["error", "bad-header", "jabber:server"]]);
  });

  it("reports offsets into the whole text when several pieces follow each other", () => {
    const text = `<presence/>\n<iq type="get" id="1"><ping/></iq>`;
    const diagnostic = only(text);
    expect(diagnostic.offset).toBe(text.indexOf("ping"));
  });
});

describe("a WebSocket session (RFC 7395 section 3.3.3)", () => {
  const websocket = { mode: "guided", transport: "websocket" } as const;

  it("flags a stanza that does not declare jabber:client itself", () => {
    const diagnostics = validateStanza(`<presence/>`, websocket);
    expect(diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.severity])).toEqual([["websocket-namespace", "error"]]);
    expect(diagnostics[0]!.message).toContain(`xmlns="jabber:client"`);
    expect(diagnostics[0]!.message).toContain("unsupported-stanza-type");
  });

  it("accepts the stanza with its namespace, and the same stanza over TCP without it", () => {
    expect(validateStanza(`<presence xmlns="jabber:client"/>`, websocket)).toEqual([]);
    expect(validateStanza(`<presence/>`, { mode: "guided", transport: "starttls" })).toEqual([]);
    expect(validateStanza(`<presence/>`, "guided")).toEqual([]);
  });

  it("accepts a nonza that carries its own namespace", () => {
    expect(validateStanza(`<enable xmlns="urn:xmpp:sm:3"/>`, websocket).filter((diagnostic) => diagnostic.code === "websocket-namespace")).toEqual([]);
  });
});

describe("a comment between stanzas (RFC 6120 section 11.1)", () => {
  it("is the one restricted-xml mark in the editor: one restricted-xml mark on the comment, nothing on the stanzas around it", () => {
    const text = "<presence/>\n<!-- note -->\n<message to='bob@localhost' type='chat'><body>x</body></message>";
    const diagnostics = validateStanza(text, "guided");
    expect(diagnostics.map((diagnostic) => [diagnostic.code, text.slice(diagnostic.offset, diagnostic.offset + diagnostic.length)])).toEqual([["restricted-xml", "<!-- note -->"]]);
  });
});
