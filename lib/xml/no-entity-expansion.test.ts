import { beforeAll, describe, expect, it } from "vitest";
import { parseElement, parseStreamHeader } from "./parse-element";
import { parseWithPositions } from "./parse-positions";
import { validateStanza } from "../editor/validate-stanza";
import { explainEntry } from "../xmpp-schema/explain";
import { loadPrettyPrinter, prettyText } from "../transcript/format";
import { Transcript } from "../xmpp/transcript";
import type { TranscriptEntry } from "../xmpp/entry";

// The pretty printer loads on first use in the page; these tests read its output at once.
beforeAll(() => loadPrettyPrinter());

/**
 * RFC 6120 section 11.1: no DTD, so no entity but the five predefined ones. Every parser in
 * the core gets the billion-laughs document (and an entity declared in it, used in an
 * attribute) and must refuse it without expanding anything: a billion "lol"s would show up
 * in its output, or never finish.
 */

const LEVELS = Array.from({ length: 9 }, (_, level) => `<!ENTITY lol${level + 1} '${`&lol${level};`.repeat(10)}'>`).join("");
const BILLION_LAUGHS = `<!DOCTYPE message [<!ENTITY lol0 'lol'>${LEVELS}<!ENTITY boom 'BOOM'>]><message id='&boom;'><body>&lol9;</body></message>`;
const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

/** An expansion shows as "lollol…" in some text, or as an attribute or text that is exactly "BOOM". */
const expanded = (value: unknown) => /lollol|"BOOM"/.test(JSON.stringify(value));

describe("entities are never expanded", () => {
  it("parseElement and parseStreamHeader (saxes) refuse the DTD", () => {
    const element = parseElement(BILLION_LAUGHS);
    expect(element).toEqual({ ok: false, error: expect.stringMatching(/DTD is not allowed in XMPP \(RFC 6120 section 11\.1\)/) });
    const header = parseStreamHeader(`<?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY boom 'BOOM'>]>${HEADER.replace("version='1.0'", "version='&boom;'")}`);
    expect(header.ok).toBe(false);
    expect(expanded(header)).toBe(false);
  });

  it("parseWithPositions (the editor's parser) reports problems and no expanded text", () => {
    const parsed = parseWithPositions(BILLION_LAUGHS, { namespaces: { "": "jabber:client" } });
    expect(parsed.problems.length).toBeGreaterThan(0);
    expect(expanded(parsed.elements)).toBe(false);
  });

  it("the editor's validator marks it restricted-xml", () => {
    expect(validateStanza(BILLION_LAUGHS, "guided").map((diagnostic) => diagnostic.code)).toEqual(["restricted-xml"]);
  });

  it("the transcript records it byte for byte as restricted XML, and the views show it as it came", () => {
    const transcript = new Transcript();
    transcript.record("in", HEADER + BILLION_LAUGHS);
    transcript.end();
    const entries = transcript.since(0);
    expect(entries.map((entry) => entry.raw).join("")).toBe(HEADER + BILLION_LAUGHS);
    const refused = entries.find((entry) => entry.kind === "malformed") as TranscriptEntry;
    expect(refused.violation).toBe("restricted-xml");
    expect(expanded(entries)).toBe(false);
    expect(prettyText(refused)).toBe(refused.raw);
    expect(expanded(explainEntry(refused))).toBe(false);
    // Even labelled as a message (an imported file may say anything), nothing is expanded.
    const disguised: TranscriptEntry = { ...refused, kind: "message", violation: undefined };
    expect(expanded(explainEntry(disguised))).toBe(false);
    expect(prettyText(disguised)).toBe(disguised.raw);
  });
});
