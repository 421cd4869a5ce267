/** What `npm test` counts over the tests that ran (scripts/test.ts). */
export interface Tally {
  passed: number;
  failed: number;
  /** Failed, then passed on a retry: a defect to fix, never a pass. */
  flaky: number;
  skipped: number;
  /**
   * One line per failed or flaky test, printed under the closing line: a CI log is read from its
   * end, and the end-to-end stage's own account of a failure is minutes of output above it.
   */
  notPassed: string[];
}

export function emptyTally(): Tally {
  return { passed: 0, failed: 0, flaky: 0, skipped: 0, notPassed: [] };
}

/** The parts of Playwright's JSON report read here. */
export interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  suites?: PlaywrightSuite[];
}

interface PlaywrightSuite {
  suites?: PlaywrightSuite[];
  specs?: { title: string; file: string; line: number; tests: { status: string; projectName?: string }[] }[];
}

export function addPlaywrightReport(tally: Tally, report: PlaywrightReport): void {
  tally.passed += report.stats.expected;
  tally.failed += report.stats.unexpected;
  tally.flaky += report.stats.flaky;
  tally.skipped += report.stats.skipped;
  // Suites nest by describe(); walked with a stack, not recursion.
  const pending = [...(report.suites ?? [])];
  for (let suite = pending.pop(); suite !== undefined; suite = pending.pop()) {
    pending.push(...(suite.suites ?? []));
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        if (test.status === "unexpected" || test.status === "flaky") {
          tally.notPassed.push(`${test.status === "flaky" ? "flaky" : "failed"}: ${spec.file}:${spec.line} ${spec.title}`);
        }
      }
    }
  }
}

/** The parts of Vitest's JSON report read here. */
export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults?: { name: string; message?: string; assertionResults: { fullName: string; status: string }[] }[];
}

/** `repoRoot` is cut from the report's absolute file names. */
export function addVitestReport(tally: Tally, report: VitestReport, repoRoot: string): void {
  tally.passed += report.numPassedTests;
  tally.failed += report.numFailedTests;
  tally.skipped += report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults ?? []) {
    const name = file.name.startsWith(repoRoot) ? file.name.slice(repoRoot.length).replace(/^\//, "") : file.name;
    const failed = file.assertionResults.filter((result) => result.status === "failed");
    for (const result of failed) tally.notPassed.push(`failed: ${name} ${result.fullName}`);
    // A file that failed before its tests ran (a syntax error, a failing beforeAll) names no test.
    if (failed.length === 0 && file.message) tally.notPassed.push(`failed: ${name} (${file.message.split("\n")[0]})`);
  }
}

/** The run's closing line, and under it the tests that did not pass. */
export function closingLines({ passed, failed, flaky, skipped, notPassed }: Tally): string {
  const counts = `tests: ${passed} passed, ${failed} failed, ${flaky} flaky${skipped > 0 ? `, ${skipped} skipped` : ""}`;
  return [counts, ...notPassed.map((line) => `  ${line}`)].join("\n");
}

/** A run passes with no failed and no flaky test. */
export function tallyPassed(tally: Tally): boolean {
  return tally.failed === 0 && tally.flaky === 0;
}
