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
 * when the checks fail (the end-to-end stage too, if it has started); a failed build skips the
 * end-to-end stage and fails the run. Ends with one "tests: N passed, N failed, N flaky"
 * line over every test that ran, and under it each test that did not pass with the first lines of
 * its error. A test that
 * failed and then passed on a retry (`--retries`) is flaky, not passed: it fails the run, since a
 * flaky test is a defect to fix.
 */
const VITEST_REPORT = ".playground/reports/vitest.json";
const VITEST_PACE_REPORT = ".playground/reports/vitest-person-pace.json";
/**
 * Tests that spend their time waiting on a server's clock (a person idling for minutes, proven
 * against ejabberd's own timers), with next to no CPU: their own Vitest run, with servers of its
 * own (vitest.person-pace.config.ts), beside the other Vitest files instead of after them.
 */
const SERVER_CLOCK_TESTS = ["test/person-pace.test.ts"];
const SERVER_CLOCK_CONFIG = "vitest.person-pace.config.ts";
const PLAYWRIGHT_REPORT = ".playground/reports/playwright.json";
/** The Vitest stages' niceness beside the end-to-end stage, the run's critical path (issue 17). */
const YIELDING_PRIORITY = 10;
const bin = (name: string) => fromRepoRoot(`node_modules/.bin/${name}`);

const tally = emptyTally();

/**
 * Runs one stage. A streamed stage writes to the terminal as it goes; a buffered one (run beside
 * a streamed one) prints its output in one piece when it ends, so the two never interleave.
 */
function stage(
  title: string,
  command: string,
  args: string[],
  options: { env?: Record<string, string>; buffered?: boolean; yields?: boolean; yieldsUntil?: Promise<unknown>; signal?: AbortSignal } = {},
): Promise<boolean> {
  console.log(`\n=== ${title}${options.buffered ? " (its output follows when it ends)" : ""} ===`);
  const started = Date.now();
  const output: Buffer[] = [];
  const child = spawn(command, args, {
    stdio: options.buffered ? ["ignore", "pipe", "pipe"] : "inherit",
    env: { ...process.env, ...options.env },
    cwd: fromRepoRoot("."),
    // Stopped as a person stops it, with Ctrl+C: Playwright then stops its web servers and runs its teardown.
    signal: options.signal,
    killSignal: "SIGINT",
  });
  // A stage that yields runs at a lower priority (nice 10), it and every process it starts: the
  // scheduler then gives the stage beside it the cores it wants, and this one what is left.
  if ((options.yields || options.yieldsUntil) && child.pid !== undefined) setPriority(child.pid, YIELDING_PRIORITY);
  // Back to the normal priority once what it yields to has ended (where the system lets a process
  // raise its own: an unprivileged user's stage keeps yielding to the end, slower but whole).
  void options.yieldsUntil?.finally(() => {
    try {
      if (child.pid !== undefined && child.exitCode === null) setPriority(child.pid, 0);
    } catch {
      // EACCES: stays at nice 10.
    }
  });
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
  return new Promise((resolve) => {
    let ended = false;
    const end = (ok: boolean, reason = "") => {
      // A stopped child reports an error and then its close: say it once.
      if (ended) return;
      ended = true;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (options.buffered) console.log(`\n=== ${title}: output ===\n${Buffer.concat(output).toString("utf8").trimEnd()}`);
      console.log(`--- ${title}: ${ok ? "ok" : `FAILED${reason}`} in ${seconds} s`);
      resolve(ok);
    };
    // Stopped (`signal`): the child tears down what it started (Playwright its web servers and
    // ejabberd worlds), and the stage ends when it has exited, not at the stop.
    child.on("error", (error) => {
      if (error.name !== "AbortError") end(false, ` (${error.message})`);
    });
    child.on("close", (code) => end(code === 0, options.signal?.aborted ? " (stopped: the checks failed)" : ""));
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
  addPlaywrightReport(tally, JSON.parse(readFileSync(fromRepoRoot(PLAYWRIGHT_REPORT), "utf8")) as PlaywrightReport, fromRepoRoot("."));
}

/**
 * A stage's result once its report is in the tally. Stages run side by side, so a report that
 * cannot be read (the runner never started) fails the run with its tally instead of throwing
 * while another stage's processes still run.
 */
async function counted(running: Promise<boolean>, count: () => void, what: string): Promise<boolean> {
  const ok = await running;
  try {
    count();
  } catch (error) {
    console.log(`The ${what} report could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  return ok;
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
  // there fails the run), so it need not typecheck them again. The checks yield to it (nice 10)
  // until it ends: the end-to-end stage, the run's critical path, starts as soon as the build
  // does. At one priority the build took 66 s beside them; with the checks at nice 10, 35-38 s,
  // and the checks ended when they did before (50-62 s; a fresh clone, issue 17). Left at nice 10
  // beside the end-to-end stage, they took 130-163 s and held up Vitest: so only until the build ends.
  process.env.PLAYGROUND_TYPECHECKED = "1";
  // Failed checks fail the run: the end-to-end stage, if it has started, stops as on Ctrl+C.
  const stopping = new AbortController();
  const building = build();
  const checking = Promise.all([
    stage("typecheck", bin("tsc"), ["--noEmit", "-p", "."], { buffered: true, yieldsUntil: building }),
    stage("lint", bin("eslint"), ["--max-warnings=0", "."], { buffered: true, yieldsUntil: building }),
  ]).then((results) => !results.includes(false));

  const endToEnd = building.then(async (built) => {
    if (!built || stopping.signal.aborted) return false;
    const running = stage("end-to-end (playwright, chromium)", bin("playwright"), ["test", "--reporter=list,json"], {
      env: { PLAYWRIGHT_JSON_OUTPUT_NAME: fromRepoRoot(PLAYWRIGHT_REPORT) },
      signal: stopping.signal,
    });
    return counted(
      running,
      () => {
        // Stopped by failed checks, it has no report to count.
        if (!stopping.signal.aborted) countPlaywright();
      },
      "end-to-end",
    );
  });
  if (!(await checking)) {
    stopping.abort();
    await endToEnd;
    finish(false);
  }

  const vitestReports = (file: string) => ["--reporter=default", "--reporter=json", `--outputFile.json=${file}`];
  const excluded = SERVER_CLOCK_TESTS.flatMap((file) => ["--exclude", file]);
  // From the end of the checks until they end, beside the rest of the build, then the e2e stage:
  // Vitest, and beside it the tests on the servers' clocks, which idle on servers of their own.
  const vitestStage = (title: string, args: string[], report: string) =>
    counted(stage(title, bin("vitest"), ["run", ...args, ...vitestReports(report)], { buffered: true, yields: true }), () => countVitest(report), title);
  const [unitOk, paceOk] = await Promise.all([
    vitestStage("unit and integration (vitest)", excluded, VITEST_REPORT),
    vitestStage("at a person's pace (vitest, on the servers' clocks)", ["--config", SERVER_CLOCK_CONFIG], VITEST_PACE_REPORT),
  ]);
  const [built, endToEndOk] = await Promise.all([building, endToEnd]);
  finish(unitOk && paceOk && built && endToEndOk);
}

main().catch((error: unknown) => {
  console.error(error instanceof UserFacingError ? error.message : error);
  finish(false);
});
