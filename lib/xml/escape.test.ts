import { describe, expect, it } from "vitest";
import { escapeXml } from "./escape";

describe("escapeXml", () => {
  it("escapes the five XML special characters and nothing else", () => {
    expect(escapeXml(`a&b<c>d"e'f`)).toBe("a&amp;b&lt;c&gt;d&quot;e&apos;f");
    expect(escapeXml("héllo ✓ &amp;")).toBe("héllo ✓ &amp;amp;");
  });
});
