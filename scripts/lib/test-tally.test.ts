import { describe, expect, it } from "vitest";
import { addPlaywrightStats, closingLine, tallyPassed, type Tally } from "./test-tally";

describe("npm test's tally", () => {
  it("counts a test that passed only on a retry as flaky, not passed, and fails the run", () => {
    const tally: Tally = { passed: 10, failed: 0, flaky: 0, skipped: 0 };
    addPlaywrightStats(tally, { expected: 5, unexpected: 0, flaky: 1, skipped: 0 });
    expect(tally).toEqual({ passed: 15, failed: 0, flaky: 1, skipped: 0 });
    expect(closingLine(tally)).toBe("tests: 15 passed, 0 failed, 1 flaky");
    expect(tallyPassed(tally)).toBe(false);
  });

  it("passes a run with neither failed nor flaky tests, and names skipped ones", () => {
    const tally: Tally = { passed: 3, failed: 0, flaky: 0, skipped: 0 };
    addPlaywrightStats(tally, { expected: 2, unexpected: 0, flaky: 0, skipped: 2 });
    expect(tallyPassed(tally)).toBe(true);
    expect(closingLine(tally)).toBe("tests: 5 passed, 0 failed, 0 flaky, 2 skipped");
    addPlaywrightStats(tally, { expected: 0, unexpected: 1, flaky: 0, skipped: 0 });
    expect(tallyPassed(tally)).toBe(false);
  });
});
