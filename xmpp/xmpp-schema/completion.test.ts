import { describe, expect, it } from "vitest";
import { suggest } from "./completion";
import { contextAt } from "./cursor";
import { hoverAt } from "./hover";

/** Suggestions at the "|" in `text`. */
function at(textWithCursor: string) {
  const offset = textWithCursor.indexOf("|");
  const text = textWithCursor.replace("|", "");
  return { text, offset, suggestions: suggest(text, offset) };
}

const labels = (textWithCursor: string) => at(textWithCursor).suggestions.map((suggestion) => suggestion.label);

describe("suggest", () => {
  it("offers the iq types inside type=\"", () => {
    expect(labels(`<iq type="|`)).toEqual(["get", "set", "result", "error"]);
    expect(labels(`<message type="|"`)).toEqual(["chat", "groupchat", "headline", "normal", "error"]);
  });

  it("offers what may stand inside an iq after <iq ...><", () => {
    const found = labels(`<iq type="get" id="1"><|`);
    expect(found).toContain("ping (urn:xmpp:ping)");
    expect(found).toContain("query (jabber:iq:roster)");
    expect(found).toContain("vCard (vcard-temp)");
    expect(found).not.toContain("body");
    const { suggestions } = at(`<iq type="get" id="1"><|`);
    const ping = suggestions.find((suggestion) => suggestion.label.startsWith("ping"));
    expect(ping?.insertText).toBe(`ping xmlns="urn:xmpp:ping"/>`);
    // Payloads first; binding and <error> are rarely what a learner wants here.
    const sorted = [...suggestions].sort((a, b) => a.sortText.localeCompare(b.sortText)).map((suggestion) => suggestion.label);
    expect(sorted.slice(-3).sort()).toEqual(["bind (xmpp-bind)", "error", "session (xmpp-session)"]);
  });

  it("offers message children without an xmlns, since they inherit jabber:client", () => {
    const { suggestions } = at(`<message to="bob@localhost"><|`);
    expect(suggestions.map((suggestion) => suggestion.label)).toEqual(expect.arrayContaining(["body", "subject", "thread"]));
    expect(suggestions.find((suggestion) => suggestion.label === "body")?.insertText).toBe("body>$0</body>");
  });

  it("offers stanzas first at the top of the stream, with required attributes as tab stops", () => {
    const { suggestions } = at(`<|`);
    const sorted = [...suggestions].sort((a, b) => a.sortText.localeCompare(b.sortText)).map((suggestion) => suggestion.label);
    expect(sorted.slice(0, 3)).toEqual(["message", "presence", "iq"]);
    expect(suggestions.find((suggestion) => suggestion.label === "iq")?.insertText).toBe(`iq id="\${1:{{id\\}\\}}" type="\${2|get,set,result,error|}">$0</iq>`);
    expect(sorted).toContain("stream:stream (stream header, raw mode)");
  });

  it("resolves namespaces declared on the way down", () => {
    expect(labels(`<iq type="get" id="1"><query xmlns="jabber:iq:roster"><|`)).toEqual(["item"]);
    expect(labels(`<iq type="get" id="1"><query xmlns="jabber:iq:roster"><item jid="bob@localhost" subscription="|`)).toEqual(["none", "to", "from", "both", "remove"]);
  });

  it("offers namespaces in xmlns, those that define the element here first", () => {
    const { suggestions } = at(`<iq type="get" id="1"><ping xmlns="|"/></iq>`);
    const best = [...suggestions].sort((a, b) => a.sortText.localeCompare(b.sortText))[0];
    expect(best?.label).toBe("urn:xmpp:ping");
    expect(suggestions.length).toBeGreaterThan(15);
  });

  it("replaces the whole value between the quotes", () => {
    const { text, suggestions } = at(`<iq type="g|et" id="1"/>`);
    const get = suggestions.find((suggestion) => suggestion.label === "get")!;
    expect(text.slice(get.replaceFrom, get.replaceTo)).toBe("get");
  });

  it("offers attribute names not yet written, required ones first, and asks for values next", () => {
    const { suggestions } = at(`<iq type="get" |`);
    const sorted = [...suggestions].sort((a, b) => a.sortText.localeCompare(b.sortText));
    expect(sorted[0]?.label).toBe("id");
    expect(sorted.map((suggestion) => suggestion.label)).not.toContain("type");
    expect(sorted[0]?.retrigger).toBe(true);
    expect(sorted[0]?.insertText).toBe(`id="$1"`);
  });

  it("offers variables for addresses and ids", () => {
    expect(labels(`<message to="|`)).toEqual(["{{peer}}", "{{domain}}", "{{me}}"]);
    expect(labels(`<iq id="|`)).toEqual(["{{id}}"]);
  });

  it("offers text values inside <show>", () => {
    expect(labels(`<presence><show>|</show></presence>`)).toEqual(["away", "chat", "dnd", "xa"]);
  });

  it("closes the innermost open element after </", () => {
    const { text, suggestions } = at(`<message><body>hi</|>`);
    expect(suggestions.map((suggestion) => suggestion.insertText)).toEqual(["body>"]);
    expect(text.slice(suggestions[0]!.replaceFrom, suggestions[0]!.replaceTo)).toBe(">");
  });

  it("takes in the '>' that auto-closing put after a fresh '<'", () => {
    const { text, suggestions } = at(`<iq type="get" id="1"><|></iq>`);
    const ping = suggestions.find((suggestion) => suggestion.label.startsWith("ping"))!;
    expect(text.slice(ping.replaceFrom, ping.replaceTo)).toBe(">");
  });

  it("offers nothing inside comments or after a finished attribute without a space", () => {
    expect(labels(`<!-- <|`)).toEqual([]);
    expect(labels(`<iq type="get"|`)).toEqual([]);
  });
});

describe("contextAt", () => {
  it("skips an unfinished tag followed by another one", () => {
    const text = `<iq type="get" <message><`;
    const context = contextAt(text, text.length);
    expect(context.kind).toBe("element-name");
    if (context.kind === "element-name") expect(context.open.map((element) => element.name)).toEqual(["message"]);
  });
});

describe("hoverAt", () => {
  const text = `<iq type="get" id="1" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`;

  it("explains an element with its spec link", () => {
    const hover = hoverAt(text, text.indexOf("ping") + 1)!;
    expect(hover.markdown).toContain("XEP-0199");
    expect(hover.markdown).toContain("https://xmpp.org/extensions/xep-0199.html");
    expect(text.slice(hover.offset, hover.offset + hover.length)).toBe("ping");
  });

  it("explains an attribute and its value", () => {
    const hover = hoverAt(text, text.indexOf("get") + 1)!;
    expect(hover.markdown).toContain("`get`");
    expect(hover.markdown).toContain("exactly one child");
    expect(hover.markdown).toContain("rfc6120#section-8.2.3");
  });

  it("explains a namespace and an error condition with its fix", () => {
    expect(hoverAt(text, text.indexOf("urn:xmpp:ping") + 2)?.markdown).toContain("XMPP Ping");
    const error = `<iq type="error" id="1"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>`;
    const hover = hoverAt(error, error.indexOf("item-not-found") + 3)!;
    expect(hover.markdown).toContain("**Fix:**");
    expect(hover.markdown).toContain("8.3.3.7");
  });

  it("escapes Markdown in what a person typed, and says nothing in plain text", () => {
    const odd = `<x:y*z xmlns:x="urn:example"/>`;
    expect(hoverAt(odd, 2)?.markdown).toContain("`<x:y*z>`");
    expect(hoverAt(`<message><body>hello</body></message>`, 17)).toBeNull();
  });
});
