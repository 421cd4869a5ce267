import { readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { ensureAppBuilt } from "./lib/app-build";
import { fromRepoRoot } from "./lib/instances";
import { UserFacingError } from "./lib/errors";
import { addPlaywrightStats, closingLine, tallyPassed, type PlaywrightStats, type Tally } from "./lib/test-tally";

/**
 * `npm test`: typecheck, lint, unit and integration tests (Vitest, real ejabberd), then
 * end-to-end tests (Playwright, Debian's Chromium, real ejabberd). Stops at the first
 * failing stage and ends with one "tests: N passed, N failed, N flaky" line over every test
 * that ran. A test that failed and then passed on a retry (`--retries`) is flaky, not passed:
 * it fails the run, since a flaky test is a defect to fix.
 */
const VITEST_REPORT = ".playground/reports/vitest.json";
const PLAYWRIGHT_REPORT = ".playground/reports/playwright.json";
const bin = (name: string) => fromRepoRoot(`node_modules/.bin/${name}`);

const tally: Tally = { passed: 0, failed: 0, flaky: 0, skipped: 0 };

function stage(title: string, command: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n=== ${title} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env }, cwd: fromRepoRoot(".") });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(`--- ${title}: ${ok ? "ok" : "FAILED"} in ${seconds} s`);
  return ok;
}

function countVitest(): void {
  const report = JSON.parse(readFileSync(fromRepoRoot(VITEST_REPORT), "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  tally.passed += report.numPassedTests;
  tally.failed += report.numFailedTests;
  tally.skipped += report.numPendingTests + report.numTodoTests;
}

function countPlaywright(): void {
  addPlaywrightStats(tally, (JSON.parse(readFileSync(fromRepoRoot(PLAYWRIGHT_REPORT), "utf8")) as { stats: PlaywrightStats }).stats);
}

function finish(ok: boolean): never {
  console.log(`\n${closingLine(tally)}`);
  if (tally.flaky > 0) console.log("A flaky test passed only on a retry: find why it failed first (its trace is in test-results/).");
  process.exit(ok && tallyPassed(tally) ? 0 : 1);
}

async function main(): Promise<void> {
  rmSync(fromRepoRoot(".playground/reports"), { recursive: true, force: true });
  if (!stage("typecheck", bin("tsc"), ["--noEmit", "-p", "."])) finish(false);
  if (!stage("lint", bin("eslint"), ["--max-warnings=0", "."])) finish(false);

  const unitOk = stage("unit and integration (vitest)", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${VITEST_REPORT}`]);
  countVitest();
  if (!unitOk) finish(false);

  console.log("\n=== build ===");
  // The typecheck stage above passed on these very sources: the build need not repeat it.
  process.env.PLAYGROUND_TYPECHECKED = "1";
  await ensureAppBuilt();

  const e2eOk = stage("end-to-end (playwright, chromium)", bin("playwright"), ["test", "--reporter=list,json"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: fromRepoRoot(PLAYWRIGHT_REPORT),
  });
  countPlaywright();
  finish(e2eOk);
}

main().catch((error: unknown) => {
  console.error(error instanceof UserFacingError ? error.message : error);
  finish(false);
});
