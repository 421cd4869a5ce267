import { readFileSync, rmSync } from "node:fs";
import { spawn } from "node:child_process";
import { setPriority } from "node:os";
import { ensureAppBuilt } from "./lib/app-build";
import { ensureCertificates } from "./lib/certificates";
import { fromRepoRoot } from "./lib/instances";
import { UserFacingError } from "./lib/errors";
import { addPlaywrightReport, addVitestReport, closingLines, emptyTally, tallyPassed, type PlaywrightReport, type VitestReport } from "./lib/test-tally";

/**
 * `npm test`: typecheck, lint and the app's build side by side; then unit and integration tests
 * (Vitest, real ejabberd and Prosody) from the end of the checks until they end, and end-to-end
 * tests (Playwright, Debian's Chromium, real ejabberd) from the end of the build. Stages that run side
 * by side use the core that one of them leaves idle (Vitest runs its files one after another and
 * waits on servers much of the time; one Playwright worker keeps about one core busy). Stops
 * when the checks fail or the build does, and ends with one "tests: N passed, N failed, N flaky"
 * line over every test that ran, and under it a line for each test that did not pass. A test that
 * failed and then passed on a retry (`--retries`) is flaky, not passed: it fails the run, since a
 * flaky test is a defect to fix.
 */
const VITEST_REPORT = ".playground/reports/vitest.json";
const VITEST_PACE_REPORT = ".playground/reports/vitest-person-pace.json";
/**
 * Tests that spend their time waiting on a server's clock (a person idling for minutes, proven
 * against ejabberd's own timers), with next to no CPU: they run beside the end-to-end stage
 * instead of holding up the Vitest stage. Their own Vitest run starts the test servers again
 * (the first run stopped them), on ports apart from the end-to-end worlds'.
 */
const SERVER_CLOCK_TESTS = ["test/person-pace.test.ts"];
const PLAYWRIGHT_REPORT = ".playground/reports/playwright.json";
/** The Vitest stages' niceness beside the end-to-end stage, the run's critical path (issue 17). */
const YIELDING_PRIORITY = 10;
const bin = (name: string) => fromRepoRoot(`node_modules/.bin/${name}`);

const tally = emptyTally();

/**
 * Runs one stage. A streamed stage writes to the terminal as it goes; a buffered one (run beside
 * a streamed one) prints its output in one piece when it ends, so the two never interleave.
 */
function stage(title: string, command: string, args: string[], options: { env?: Record<string, string>; buffered?: boolean; yields?: boolean } = {}): Promise<boolean> {
  console.log(`\n=== ${title}${options.buffered ? " (its output follows when it ends)" : ""} ===`);
  const started = Date.now();
  const output: Buffer[] = [];
  const child = spawn(command, args, {
    stdio: options.buffered ? ["ignore", "pipe", "pipe"] : "inherit",
    env: { ...process.env, ...options.env },
    cwd: fromRepoRoot("."),
  });
  // A stage that yields runs at a lower priority (nice 10), it and every process it starts: the
  // scheduler then gives the stage beside it the cores it wants, and this one what is left.
  if (options.yields && child.pid !== undefined) setPriority(child.pid, YIELDING_PRIORITY);
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
  return new Promise((resolve) => {
    const end = (ok: boolean, reason = "") => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (options.buffered) console.log(`\n=== ${title}: output ===\n${Buffer.concat(output).toString("utf8").trimEnd()}`);
      console.log(`--- ${title}: ${ok ? "ok" : `FAILED${reason}`} in ${seconds} s`);
      resolve(ok);
    };
    child.on("error", (error) => end(false, ` (${error.message})`));
    child.on("close", (code) => end(code === 0));
  });
}

/** `next build` unless current (scripts/lib/app-build.ts), buffered like a stage beside Vitest. */
async function build(): Promise<boolean> {
  console.log("\n=== build (its output follows when it ends) ===");
  const started = Date.now();
  const lines: string[] = [];
  let ok = true;
  try {
    lines.push(`app build: ${await ensureAppBuilt((line) => lines.push(line))}`);
  } catch (error) {
    ok = false;
    lines.push(error instanceof UserFacingError ? error.message : String(error));
  }
  console.log(`\n=== build: output ===\n${lines.join("\n")}`);
  console.log(`--- build: ${ok ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok;
}

function countVitest(reportFile: string): void {
  addVitestReport(tally, JSON.parse(readFileSync(fromRepoRoot(reportFile), "utf8")) as VitestReport, fromRepoRoot("."));
}

function countPlaywright(): void {
  addPlaywrightReport(tally, JSON.parse(readFileSync(fromRepoRoot(PLAYWRIGHT_REPORT), "utf8")) as PlaywrightReport);
}

function finish(ok: boolean): never {
  console.log(`\n${closingLines(tally)}`);
  if (tally.flaky > 0) console.log("A flaky test passed only on a retry: find why it failed first (its trace is in test-results/).");
  process.exit(ok && tallyPassed(tally) ? 0 : 1);
}

async function main(): Promise<void> {
  rmSync(fromRepoRoot(".playground/reports"), { recursive: true, force: true });
  // The test servers' certificate, made once here, before any stage: each stage runs in its own
  // process, and on a fresh clone the e2e app started before a server had made it (Node then
  // ignores NODE_EXTRA_CA_CERTS for good, and said so), while Vitest's setup and Playwright's
  // could each make one, so a server could present a certificate the clients do not trust.
  await ensureCertificates();
  // The build runs beside the typecheck and the lint, which check these very sources (a failure
  // there fails the run), so it need not typecheck them again. Side by side, the three took 43 s
  // where the checks and then the build took 52 s (a cold build, a quiet machine; issue 17).
  process.env.PLAYGROUND_TYPECHECKED = "1";
  const checking = Promise.all([stage("typecheck", bin("tsc"), ["--noEmit", "-p", "."]), stage("lint", bin("eslint"), ["--max-warnings=0", "."], { buffered: true })]);
  const building = build();
  if ((await checking).includes(false)) {
    await building;
    finish(false);
  }

  const vitestReports = (file: string) => ["--reporter=default", "--reporter=json", `--outputFile.json=${file}`];
  const excluded = SERVER_CLOCK_TESTS.flatMap((file) => ["--exclude", file]);
  // Vitest, then the tests on the servers' clocks (the two runs share the test servers' ports, so
  // they take turns), from now until they end: beside the rest of the build, then the e2e stage.
  const vitest = (async () => {
    const unitOk = await stage("unit and integration (vitest)", bin("vitest"), ["run", ...excluded, ...vitestReports(VITEST_REPORT)], { buffered: true, yields: true });
    countVitest(VITEST_REPORT);
    const paceOk = await stage("at a person's pace (vitest, on the servers' clocks)", bin("vitest"), ["run", ...SERVER_CLOCK_TESTS, ...vitestReports(VITEST_PACE_REPORT)], { buffered: true, yields: true });
    countVitest(VITEST_PACE_REPORT);
    return unitOk && paceOk;
  })();
  if (!(await building)) {
    await vitest;
    finish(false);
  }

  const e2eOk = await stage("end-to-end (playwright, chromium)", bin("playwright"), ["test", "--reporter=list,json"], {
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: fromRepoRoot(PLAYWRIGHT_REPORT) },
  });
  countPlaywright();
  finish((await vitest) && e2eOk);
}

main().catch((error: unknown) => {
  console.error(error instanceof UserFacingError ? error.message : error);
  finish(false);
});
