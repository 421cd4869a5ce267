import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyMutant, expandTestGlobs, type ReportedMutant } from "./recheck-survivors";

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

describe("expandTestGlobs", () => {
  it("names the files a glob of the scope matches, since Vitest would take the glob as a path and find none", () => {
    const root = mkdtempSync(path.join(tmpdir(), "globs-"));
    try {
      mkdirSync(path.join(root, "lib/x"), { recursive: true });
      for (const name of ["check.test.ts", "check-edges.test.ts", "checker.ts", "diagnose.test.ts", "xcheck.test.ts"]) writeFileSync(path.join(root, "lib/x", name), "");
      expect(expandTestGlobs(["lib/x/check*.test.ts"], root)).toEqual(["lib/x/check-edges.test.ts", "lib/x/check.test.ts"]);
      expect(expandTestGlobs(["lib/x/diagnose.test.ts", "lib/x/check.test.ts", "lib/x/check*.test.ts", "lib/y/none*.test.ts"], root)).toEqual([
        "lib/x/diagnose.test.ts",
        "lib/x/check.test.ts",
        "lib/x/check-edges.test.ts",
      ]);
      expect(() => expandTestGlobs(["lib/x/none*.test.ts", "lib/x/missing.test.ts"], root)).toThrow("No test file matches lib/x/none*.test.ts, lib/x/missing.test.ts.");
      expect(() => expandTestGlobs(["lib/*/check.test.ts"], root)).toThrow("a * only in the file name");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
