import { describe, expect, it } from "vitest";
import { countNoun } from "./count-noun";

describe("countNoun", () => {
  it("takes the singular for one only, the plural for none and many, and groups thousands", () => {
    expect(countNoun(1, "step")).toBe("1 step");
    expect(countNoun(0, "step")).toBe("0 steps");
    expect(countNoun(2, "difference")).toBe("2 differences");
    expect(countNoun(1500, "entry", "entries")).toBe("1,500 entries");
    expect(countNoun(1, "entry", "entries")).toBe("1 entry");
  });
});
