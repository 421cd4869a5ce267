import { describe, expect, it } from "vitest";
import { deepMessage, manyAttributesMessage, wideMessage } from "../../test/hostile-xml";
import { MAX_DIAGNOSTICS, validateStanza } from "./validate-stanza";

describe("editor diagnostics on hostile structure", () => {
  it("checks 100,000 levels to the parse bound and says what went unchecked", () => {
    const diagnostics = validateStanza(deepMessage(100_000), "guided");
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toContain("too-deep");
    expect(diagnostics.find((diagnostic) => diagnostic.code === "too-deep")!.message).toMatch(/Nested deeper than 100 levels\. Below 1,000 levels nothing is checked/);
  });

  it("still finds a mismatched end tag 500 levels down", () => {
    const diagnostics = validateStanza(deepMessage(500).replace("deep</a>", "deep</b>"), "guided");
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toContain("not-well-formed");
  });

  it("marks at most MAX_DIAGNOSTICS problems among 100,000 siblings, and says there are more", () => {
    const siblings = `<iq type='get' id='q' to='localhost'><query xmlns='jabber:iq:roster'>${"<item subscription='no'/>".repeat(100_000)}</query></iq>`;
    const diagnostics = validateStanza(siblings, "guided");
    expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(diagnostics.at(-1)).toMatchObject({ code: "too-many", severity: "info" });
    expect(validateStanza(wideMessage(100_000), "guided").length).toBeLessThanOrEqual(MAX_DIAGNOSTICS + 1);
  });

  it("checks a tag with 10,000 attributes", () => {
    const diagnostics = validateStanza(manyAttributesMessage(10_000), "guided");
    expect(diagnostics.length).toBeLessThanOrEqual(MAX_DIAGNOSTICS + 1);
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === "error")).toEqual([]);
  });

  it("frames 100,000 stream closes in a row without recursion", () => {
    const diagnostics = validateStanza("</stream:stream>".repeat(100_000), "guided");
    expect(diagnostics.length).toBeLessThanOrEqual(MAX_DIAGNOSTICS + 1);
    expect(diagnostics[0]).toMatchObject({ code: "stream-close" });
  });
});
