import { beforeAll, describe, expect, it } from "vitest";
import { deepMessage, manyAttributesMessage, VIEW_MAX_CHARS, wideMessage } from "../../test/hostile-xml";
import type { TranscriptEntry } from "../xmpp/entry";
import { MAX_XML_DEPTH } from "../xml/walk-xml";
import { loadPrettyPrinter, prettyView } from "./format";
import { PRETTY_MAX_OUTPUT } from "./pretty-printer";

// The pretty printer loads on first use in the page; these tests read its output at once.
beforeAll(() => loadPrettyPrinter());

function incoming(raw: string): TranscriptEntry {
  return { seq: 1, dir: "in", at: 0, wall: 0, raw, kind: "message" };
}

describe("pretty-printing hostile structure", () => {
  it("shows a stanza nested past the bound as sent, and says why (xml-formatter recurses per level)", () => {
    for (const levels of [MAX_XML_DEPTH + 1, 5_000, 14_000, 100_000]) {
      const raw = deepMessage(levels);
      const view = prettyView(incoming(raw));
      expect(view.text).toBe(raw);
      expect(view.note).toMatch(/^(Nested deeper than 100 levels; shown as raw text\.|Shown as sent: entries over 100,000 characters are not indented\.)$/);
    }
  });

  it("indents a stanza at the bound", () => {
    const view = prettyView(incoming(deepMessage(MAX_XML_DEPTH - 3)));
    expect(view.note).toBeNull();
    expect(view.text.split("\n").length).toBeGreaterThan(MAX_XML_DEPTH);
  });

  it("never builds a multi-megabyte string from indentation: many siblings deep down are shown as sent", () => {
    const raw = wideMessage(20_000, 90); // 80 KB, but 7 MB once every sibling is indented 90 levels
    const view = prettyView(incoming(raw));
    expect(view.text).toBe(raw);
    expect(view.note).toContain(PRETTY_MAX_OUTPUT.toLocaleString("en-US"));
  });

  it("survives 100,000 siblings and 10,000 attributes", () => {
    for (const raw of [wideMessage(100_000), wideMessage(10_000), manyAttributesMessage(10_000)]) {
      const view = prettyView(incoming(raw));
      expect(view.text.length).toBeLessThan(Math.max(VIEW_MAX_CHARS, raw.length + 1));
    }
  });
});
