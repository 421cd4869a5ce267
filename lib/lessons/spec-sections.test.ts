import { describe, expect, it } from "vitest";
import { SPEC_SECTIONS, findSpecSection } from "./spec-sections";

describe("the spec-section registry", () => {
  it("lists each label once, with a title and a link of the right shape", () => {
    const labels = SPEC_SECTIONS.map((section) => section.label);
    expect(labels.filter((label, index) => labels.indexOf(label) !== index)).toEqual([]);
    for (const section of SPEC_SECTIONS) {
      expect(section.label).toMatch(/^(RFC \d{4}|XEP-\d{4}) §([0-9]+|[A-Z])(\.[0-9]+)*$/);
      expect(section.title.trim()).not.toBe("");
      const [, number] = /^(?:RFC |XEP-)(\d{4})/.exec(section.label)!;
      const expected = section.label.startsWith("RFC")
        ? new RegExp(`^https://www\\.rfc-editor\\.org/rfc/rfc${number}#(section|appendix)-`)
        : new RegExp(`^https://xmpp\\.org/extensions/xep-${number}\\.html#[a-z0-9_-]+$`);
      expect(section.url, section.label).toMatch(expected);
    }
  });

  it("links sections and appendices to their rfc-editor.org anchors", () => {
    expect(findSpecSection("RFC 6120 §8.3.3.7")).toEqual({ label: "RFC 6120 §8.3.3.7", title: "item-not-found", url: "https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.7" });
    expect(findSpecSection("RFC 6121 §A.1")?.url).toBe("https://www.rfc-editor.org/rfc/rfc6121#appendix-A.1");
    expect(findSpecSection("XEP-0249 §2")).toEqual({ label: "XEP-0249 §2", title: "How It Works", url: "https://xmpp.org/extensions/xep-0249.html#howitworks" });
  });

  it("finds a label whatever its spacing and case, and nothing for sections it does not list", () => {
    expect(findSpecSection("rfc 6121  § 5.2.2")?.title).toBe("Type Attribute");
    expect(findSpecSection("RFC 6121 §5.2.9")).toBeUndefined();
    expect(findSpecSection("XEP-0045")).toBeUndefined();
  });
});
