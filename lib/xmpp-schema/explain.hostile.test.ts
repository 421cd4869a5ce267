import { describe, expect, it } from "vitest";
import { deepMessage, manyAttributesMessage, VIEW_MAX_CHARS, wideMessage } from "../../test/hostile-xml";
import type { TranscriptEntry } from "../xmpp/entry";
import { MAX_XML_DEPTH } from "../xml/walk-xml";
import { explainEntry } from "./explain";

function incoming(raw: string): TranscriptEntry {
  return { seq: 7, dir: "in", at: 0, wall: 0, raw, kind: "message", name: "message", ns: "jabber:client" };
}

/** The explanation as the panel gets it: it must be there, and small. */
function explained(raw: string) {
  const explanation = explainEntry(incoming(raw));
  expect(JSON.stringify(explanation).length).toBeLessThan(VIEW_MAX_CHARS);
  return explanation;
}

describe("explainEntry on hostile structure", () => {
  it("explains the 5,000-level, 35 KB stanza that crashed the page, and says it stops at the bound", () => {
    const raw = deepMessage(5_000);
    expect(raw.length).toBeGreaterThan(35_000);
    const explanation = explained(raw);
    expect(explanation.summary).toContain("a message");
    expect(explanation.elements[0]).toMatchObject({ depth: 0, qname: "message" });
    expect(explanation.notes).toContain(`Nested deeper than ${MAX_XML_DEPTH} levels; shown as raw text.`);
  });

  it("survives 100,000 levels, 100,000 siblings and 10,000 attributes", () => {
    for (const raw of [deepMessage(100_000), deepMessage(14_000), wideMessage(100_000), wideMessage(20_000)]) {
      const explanation = explained(raw);
      expect(explanation.summary).toContain("a message");
      expect(explanation.notes.length).toBeGreaterThan(0);
    }
    expect(explained(manyAttributesMessage(10_000)).summary).toContain("a message");
    // 5,000 attributes fit under EXPLAIN_MAX_CHARS, so they are explained, the first few of them.
    const attributes = explained(manyAttributesMessage(5_000));
    const x = attributes.elements.find((element) => element.qname === "x")!;
    expect(x.attributes.length).toBeLessThanOrEqual(40);
    expect(x.omittedAttributes).toBe(5_001 - x.attributes.length);
  });

  it("counts the elements it leaves out of a wide stanza", () => {
    expect(explained(wideMessage(20_000)).notes).toContain("Only the first 60 of 20,001 elements are explained.");
  });
});
