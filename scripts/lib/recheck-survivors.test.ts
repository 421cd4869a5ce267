import { describe, expect, it } from "vitest";
import { applyMutant, type ReportedMutant } from "./recheck-survivors";

const mutant = (startLine: number, startColumn: number, endLine: number, endColumn: number, replacement: string): ReportedMutant => ({
  id: "1",
  mutatorName: "Test",
  replacement,
  status: "Survived",
  location: { start: { line: startLine, column: startColumn }, end: { line: endLine, column: endColumn } },
});

describe("applyMutant (Stryker's 1-based lines and columns)", () => {
  const source = "const a = 1;\nif (a > 0 && b) go();\nend();\n";

  it("replaces exactly the reported range on its line", () => {
    expect(applyMutant(source, mutant(2, 5, 2, 15, "false"))).toBe("const a = 1;\nif (false) go();\nend();\n");
  });

  it("replaces a range over several lines, and removes it when there is no replacement", () => {
    expect(applyMutant(source, mutant(1, 11, 2, 4, "2; "))).toBe("const a = 2; (a > 0 && b) go();\nend();\n");
    expect(applyMutant(source, { ...mutant(3, 1, 3, 7, ""), replacement: undefined })).toBe("const a = 1;\nif (a > 0 && b) go();\n\n");
  });
});
