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
    }, "/repo");
    expect(tally).toMatchObject({ passed: 15, failed: 0, flaky: 1, skipped: 0 });
    expect(closingLines(tally)).toBe("tests: 15 passed, 0 failed, 1 flaky\n  flaky: workbench.spec.ts:12 sends a ping");
    expect(tallyPassed(tally)).toBe(false);
  });

  it("passes a run with neither failed nor flaky tests, and names skipped ones", () => {
    const tally = emptyTally();
    tally.passed = 3;
    addPlaywrightReport(tally, { stats: playwrightStats(2, 0, 0, 2) }, "/repo");
    expect(tallyPassed(tally)).toBe(true);
    expect(closingLines(tally)).toBe("tests: 5 passed, 0 failed, 0 flaky, 2 skipped");
    addPlaywrightReport(tally, { stats: playwrightStats(0, 1, 0, 0) }, "/repo");
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

  it("puts under each failed test where it failed and the first lines of its error, without colours or the call log", () => {
    const tally = emptyTally();
    const message = [
      "\u001b[31mError: expect(locator).toBeFocused() failed\u001b[39m",
      "",
      "Locator:  getByTestId('entry-in').filter({ hasText: 'kbnav1' })",
      "Expected: focused",
      "Received: inactive",
      "Timeout:  10000ms",
      "",
      "Call log:",
      "  - waiting for getByTestId('entry-in')",
    ].join("\n");
    addPlaywrightReport(
      tally,
      {
        stats: playwrightStats(0, 1, 1, 0),
        suites: [
          {
            specs: [
              {
                title: "the lanes read with the keyboard",
                file: "keyboard.spec.ts",
                line: 113,
                tests: [
                  {
                    status: "unexpected",
                    results: [
                      {
                        errors: [
                          { message: "Test timeout of 60000ms exceeded." },
                          { message, location: { file: "/repo/e2e/keyboard.spec.ts", line: 150, column: 3 } },
                          { message: "a third error, past the two kept" },
                        ],
                      },
                    ],
                  },
                ],
              },
              {
                title: "sends a ping",
                file: "workbench.spec.ts",
                line: 12,
                // Flaky: the failed try's error, not the passing retry's nothing.
                tests: [{ status: "flaky", results: [{ errors: [{ message: `Error: ${"x".repeat(300)}` }] }, { errors: [] }] }],
              },
            ],
          },
        ],
      },
      "/repo",
    );
    expect(closingLines(tally).split("\n")).toEqual([
      "tests: 0 passed, 1 failed, 1 flaky",
      "  failed: keyboard.spec.ts:113 the lanes read with the keyboard",
      "    Test timeout of 60000ms exceeded.",
      "    at e2e/keyboard.spec.ts:150",
      "    Error: expect(locator).toBeFocused() failed",
      "    Locator:  getByTestId('entry-in').filter({ hasText: 'kbnav1' })",
      "    Expected: focused",
      "    Received: inactive",
      "    Timeout:  10000ms",
      "  flaky: workbench.spec.ts:12 sends a ping",
      `    Error: ${"x".repeat(192)}…`,
    ]);
  });

  it("puts a failed Vitest test's assertion under its name", () => {
    const tally = emptyTally();
    const failureMessages = ["AssertionError: expected 2 to be 3 // Object.is equality\n    at /repo/server/heartbeat.test.ts:20:5\n    at a\n    at b\n    at c\n    at d\n    at e"];
    addVitestReport(
      tally,
      { numPassedTests: 0, numFailedTests: 1, numPendingTests: 0, numTodoTests: 0, testResults: [{ name: "/repo/server/heartbeat.test.ts", assertionResults: [{ fullName: "keepAlive pings", status: "failed", failureMessages }] }] },
      "/repo",
    );
    expect(closingLines(tally).split("\n")).toEqual([
      "tests: 0 passed, 1 failed, 0 flaky",
      "  failed: server/heartbeat.test.ts keepAlive pings",
      "    AssertionError: expected 2 to be 3 // Object.is equality",
      "        at server/heartbeat.test.ts:20:5",
      "        at a",
      "        at b",
      "        at c",
      "        at d",
    ]);
  });
});
