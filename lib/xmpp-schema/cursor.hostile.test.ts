import { describe, expect, it } from "vitest";
import { deepMessage, manyAttributesMessage, wideMessage } from "../../test/hostile-xml";
import { suggest } from "./completion";
import { contextAt, openElementsAt } from "./cursor";
import { hoverAt } from "./hover";

describe("completion and hover on hostile structure", () => {
  it("finds the open elements 100,000 levels down in linear time", () => {
    const text = deepMessage(100_000);
    const middle = text.indexOf("deep</a>");
    const started = performance.now();
    expect(openElementsAt(text, middle)).toHaveLength(100_002);
    expect(contextAt(text, text.length).kind).toBe("text");
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("suggests and hovers in 100,000 siblings and 10,000 attributes", () => {
    const wide = wideMessage(100_000);
    expect(Array.isArray(suggest(`${wide.slice(0, -"</message>".length)}<`, wide.length - "</message>".length + 1))).toBe(true);
    const attributes = manyAttributesMessage(10_000);
    expect(hoverAt(attributes, 2)?.markdown).toContain("message");
  });
});
