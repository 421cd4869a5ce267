/** What `npm test` counts over the tests that ran (scripts/test.ts). */
export interface Tally {
  passed: number;
  failed: number;
  /** Failed, then passed on a retry: a defect to fix, never a pass. */
  flaky: number;
  skipped: number;
  /**
   * Per failed or flaky test, its name and the first lines of its error (where it failed, what
   * was expected), printed under the closing line: a CI log is read from its end, and the
   * end-to-end stage's own account of a failure is minutes of output above it, or cut off.
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
  specs?: { title: string; file: string; line: number; tests: { status: string; projectName?: string; results?: PlaywrightResult[] }[] }[];
}

interface PlaywrightError {
  message?: string;
  location?: { file: string; line: number; column: number };
}

interface PlaywrightResult {
  errors?: PlaywrightError[];
}

/** Lines of an error kept under a failed test's name: the assertion, its locator, expected and received. */
const ERROR_LINES = 6;
const ERRORS_PER_TEST = 2;
const ERROR_LINE_CHARS = 200;
// Terminal colours (ECMA-48 SGR sequences) that the reporters put in messages.
const COLOURS = /\u001b\[[0-9;]*m/g;

/**
 * The first lines of a failure's message, without colours, blank lines or the call log after
 * them, and with the repository's own path cut from file names, indented under its test.
 */
export function errorExcerpt(message: string, repoRoot: string, where?: string): string[] {
  const lines = message.replace(COLOURS, "").split(`${repoRoot.replace(/\/$/, "")}/`).join("").split("\n");
  const callLog = lines.findIndex((line) => line.trim() === "Call log:");
  const kept = (callLog < 0 ? lines : lines.slice(0, callLog)).map((line) => line.trimEnd()).filter((line) => line.trim() !== "");
  const excerpt = kept.slice(0, ERROR_LINES).map((line) => (line.length > ERROR_LINE_CHARS ? `${line.slice(0, ERROR_LINE_CHARS - 1)}…` : line));
  return [...(where === undefined ? [] : [`at ${where}`]), ...excerpt].map((line) => `  ${line}`);
}

/** `file:line` of where a Playwright error was thrown, relative to the repository when it is inside it. */
function playwrightWhere(error: PlaywrightError, repoRoot: string): string | undefined {
  if (error.location === undefined) return undefined;
  const file = error.location.file.startsWith(repoRoot) ? error.location.file.slice(repoRoot.length).replace(/^\//, "") : error.location.file;
  return `${file}:${error.location.line}`;
}

/** `repoRoot` is cut from the report's absolute file names. */
export function addPlaywrightReport(tally: Tally, report: PlaywrightReport, repoRoot: string): void {
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
          // The first failed try's errors (a flaky test's last try passed). A timeout comes as two:
          // "Test timeout of N ms exceeded", then the step that was waiting, with its line.
          const errors = test.results?.find((result) => (result.errors ?? []).length > 0)?.errors ?? [];
          for (const error of errors.slice(0, ERRORS_PER_TEST)) {
            if (error.message !== undefined) tally.notPassed.push(...errorExcerpt(error.message, repoRoot, playwrightWhere(error, repoRoot)));
          }
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
  testResults?: { name: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages?: string[] }[] }[];
}

/** `repoRoot` is cut from the report's absolute file names. */
export function addVitestReport(tally: Tally, report: VitestReport, repoRoot: string): void {
  tally.passed += report.numPassedTests;
  tally.failed += report.numFailedTests;
  tally.skipped += report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults ?? []) {
    const name = file.name.startsWith(repoRoot) ? file.name.slice(repoRoot.length).replace(/^\//, "") : file.name;
    const failed = file.assertionResults.filter((result) => result.status === "failed");
    for (const result of failed) {
      tally.notPassed.push(`failed: ${name} ${result.fullName}`);
      const message = result.failureMessages?.[0];
      if (message !== undefined) tally.notPassed.push(...errorExcerpt(message, repoRoot));
    }
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
