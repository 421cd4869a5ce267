/** What `npm test` counts over the tests that ran (scripts/test.ts). */
export interface Tally {
  passed: number;
  failed: number;
  /** Failed, then passed on a retry: a defect to fix, never a pass. */
  flaky: number;
  skipped: number;
}

/** The `stats` of Playwright's JSON report. */
export interface PlaywrightStats {
  expected: number;
  unexpected: number;
  flaky: number;
  skipped: number;
}

export function addPlaywrightStats(tally: Tally, stats: PlaywrightStats): void {
  tally.passed += stats.expected;
  tally.failed += stats.unexpected;
  tally.flaky += stats.flaky;
  tally.skipped += stats.skipped;
}

/** The run's closing line. */
export function closingLine({ passed, failed, flaky, skipped }: Tally): string {
  return `tests: ${passed} passed, ${failed} failed, ${flaky} flaky${skipped > 0 ? `, ${skipped} skipped` : ""}`;
}

/** A run passes with no failed and no flaky test. */
export function tallyPassed(tally: Tally): boolean {
  return tally.failed === 0 && tally.flaky === 0;
}
