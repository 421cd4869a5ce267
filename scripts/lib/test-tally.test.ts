import { describe, expect, it } from "vitest";
import { addPlaywrightReport, addVitestReport, closingLines, emptyTally, tallyPassed } from "./test-tally";

const playwrightStats = (expected: number, unexpected: number, flaky: number, skipped: number) => ({ expected, unexpected, flaky, skipped });

describe("npm test's tally", () => {
  it("counts a test that passed only on a retry as flaky, not passed, names it, and fails the run", () => {
    const tally = emptyTally();
    tally.passed = 10;
    addPlaywrightReport(tally, {
      stats: playwrightStats(5, 0, 1, 0),
      suites: [{ suites: [{ specs: [{ title: "sends a ping", file: "workbench.spec.ts", line: 12, tests: [{ status: "flaky" }] }] }] }],
    });
    expect(tally).toMatchObject({ passed: 15, failed: 0, flaky: 1, skipped: 0 });
    expect(closingLines(tally)).toBe("tests: 15 passed, 0 failed, 1 flaky\n  flaky: workbench.spec.ts:12 sends a ping");
    expect(tallyPassed(tally)).toBe(false);
  });

  it("passes a run with neither failed nor flaky tests, and names skipped ones", () => {
    const tally = emptyTally();
    tally.passed = 3;
    addPlaywrightReport(tally, { stats: playwrightStats(2, 0, 0, 2) });
    expect(tallyPassed(tally)).toBe(true);
    expect(closingLines(tally)).toBe("tests: 5 passed, 0 failed, 0 flaky, 2 skipped");
    addPlaywrightReport(tally, { stats: playwrightStats(0, 1, 0, 0) });
    expect(tallyPassed(tally)).toBe(false);
  });

  it("names each failed Vitest test by file, and a file that failed before any test ran", () => {
    const tally = emptyTally();
    addVitestReport(
      tally,
      {
        numPassedTests: 1,
        numFailedTests: 1,
        numPendingTests: 0,
        numTodoTests: 0,
        testResults: [
          { name: "/repo/server/heartbeat.test.ts", message: "", assertionResults: [{ fullName: "keepAlive keeps a socket open", status: "failed" }, { fullName: "keepAlive terminates", status: "passed" }] },
          { name: "/repo/server/bridge.test.ts", message: "Error: listen EADDRINUSE\n    at Server.listen", assertionResults: [] },
        ],
      },
      "/repo",
    );
    expect(closingLines(tally).split("\n")).toEqual([
      "tests: 1 passed, 1 failed, 0 flaky",
      "  failed: server/heartbeat.test.ts keepAlive keeps a socket open",
      "  failed: server/bridge.test.ts (Error: listen EADDRINUSE)",
    ]);
  });
});
