import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Stryker } from "@stryker-mutator/core";
import { ensureCertificates } from "./lib/certificates";
import { UserFacingError } from "./lib/errors";
import { fromRepoRoot } from "./lib/instances";
import { MUTATION_SCOPE, type MutationTarget } from "./lib/mutation-scope";
import { recheckSurvivors, type ReportedMutant } from "./lib/recheck-survivors";

/**
 * `npm run mutation [module...]`: StrykerJS mutates the modules that guard people
 * (scripts/lib/mutation-scope.ts) and runs their unit tests against every mutant; a mutant
 * no test kills is a behaviour no test checks. Not part of `npm test` (minutes, not seconds).
 * Ends with one line per module and exits 1 when a module scores below the goal.
 *
 *   npm run mutation                          every module in scope
 *   npm run mutation -- lib/xmpp/iq-pairing.ts    one module (or several)
 *   MUTATION_CONCURRENCY=1 npm run mutation    fewer workers on a busy machine
 *   MUTATION_TYPECHECK=1 npm run mutation      drop mutants that do not compile (slower)
 *   MUTATION_RECHECK=0 npm run mutation       believe Stryker's survivors without re-running them
 *   MUTATION_TESTS=lib/xmpp/framing.test.ts npm run mutation -- lib/xmpp/framing.ts
 *                                              only these tests (globs, comma-separated): a lower
 *                                              bound of the score, in minutes where the property
 *                                              tests take hours on a busy machine
 *   MUTATION_LINES=176-285 npm run mutation -- lib/xmpp/framing.ts
 *                                              only the mutants on those lines (one module): a
 *                                              quick look after a new test, not the module's score
 */
const GOAL_PERCENT = 85;
const REPORT_DIR = ".playground/reports/mutation";
const WORK_DIR = ".playground/mutation";

type StrykerOptions = NonNullable<ConstructorParameters<typeof Stryker>[0]>;
type MutantResult = Awaited<ReturnType<Stryker["runMutationTest"]>>[number];

function targetsToMutate(args: readonly string[]): MutationTarget[] {
  if (args.length === 0) return [...MUTATION_SCOPE];
  const unknown = args.filter((arg) => !MUTATION_SCOPE.some((target) => target.module === arg));
  if (unknown.length > 0) {
    throw new UserFacingError(
      `Not in the mutation scope: ${unknown.join(", ")}.\nName one or more of:\n  ${MUTATION_SCOPE.map((target) => target.module).join("\n  ")}\n` +
        "(the scope and each module's tests are in scripts/lib/mutation-scope.ts)",
    );
  }
  return MUTATION_SCOPE.filter((target) => args.includes(target.module));
}

function concurrency(): number {
  const text = process.env.MUTATION_CONCURRENCY ?? "2";
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UserFacingError(`MUTATION_CONCURRENCY must be a whole number of workers (1 or more), not "${text}".`);
  return value;
}

const slug = (module: string) => module.replace(/\.ts$/, "").replaceAll("/", "-");

/**
 * The TypeScript checker compiles only the mutated module, what it imports and the project's
 * declarations (types/): a program of the whole app (pages, components, Monaco's types)
 * would cost minutes per module.
 */
function checkerTsconfig(module: string): string {
  const file = `${WORK_DIR}/tsconfig.${slug(module)}.json`;
  mkdirSync(fromRepoRoot(WORK_DIR), { recursive: true });
  const fromHere = (relative: string) => path.relative(fromRepoRoot(WORK_DIR), fromRepoRoot(relative));
  writeFileSync(fromRepoRoot(file), `${JSON.stringify({ extends: fromHere("tsconfig.json"), compilerOptions: { incremental: false }, include: [`${fromHere("types")}/**/*.d.ts`], files: [fromHere(module)] }, null, 2)}\n`);
  return file;
}

/**
 * MUTATION_TESTS narrows the tests to a subset of the module's: every mutant a subset kills,
 * the whole set kills too, so the score it gives is a floor of the real one.
 */
function testsToRun(target: MutationTarget): string[] {
  const text = process.env.MUTATION_TESTS?.trim();
  if (text === undefined || text === "") return [...target.tests];
  return text.split(",").map((glob) => glob.trim()).filter(Boolean);
}

/** MUTATION_LINES narrows the mutants to a range of lines (Stryker's `file:start-end`). */
function linesToMutate(): string {
  const text = process.env.MUTATION_LINES?.trim() ?? "";
  if (text === "") return "";
  if (!/^\d+-\d+$/.test(text)) throw new UserFacingError(`MUTATION_LINES must be a range of lines like 176-285, not "${text}".`);
  return `:${text}`;
}

/** One Stryker run per module, against that module's own tests only. */
function strykerOptions(target: MutationTarget): StrykerOptions {
  const { module } = target;
  return {
    mutate: [`${module}${linesToMutate()}`],
    testFiles: testsToRun(target),
    testRunner: "vitest",
    vitest: { configFile: "vitest.mutation.config.ts", related: false },
    // Each mutant runs only the tests that reached it in the first, instrumented run.
    coverageAnalysis: "perTest",
    // With the TypeScript checker, a mutant that does not compile is dropped rather than run.
    // Off by default: it made a run three times slower here (iq-pairing: 7.8 min against 2.9),
    // and the few mutants it drops (optional chaining on a field the types say is there)
    // are worth a test anyway.
    checkers: process.env.MUTATION_TYPECHECK === "1" ? ["typescript"] : [],
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    tsconfigFile: checkerTsconfig(module),
    concurrency: concurrency(),
    timeoutMS: 10_000,
    tempDirName: ".playground/stryker-tmp",
    // The sandbox needs the sources, the test certificate and the checker's tsconfig; not the build or the servers' state.
    ignorePatterns: [".next", ".playground/*", "!.playground/certs", `!${WORK_DIR}`, "test-results", "playwright-report", "bench/results"],
    reporters: ["clear-text", "progress", "html", "json"],
    clearTextReporter: { reportTests: false, reportMutants: true, reportScoreTable: true, allowEmojis: false },
    htmlReporter: { fileName: `${REPORT_DIR}/${slug(module)}.html` },
    jsonReporter: { fileName: `${REPORT_DIR}/${slug(module)}.json` },
    thresholds: { high: GOAL_PERCENT, low: 70, break: null },
  };
}

interface ModuleScore {
  module: string;
  mutants: number;
  killed: number;
  survived: number;
  noCoverage: number;
  /** Of `killed`, those Stryker called Survived and a fresh run of the tests killed (recheck-survivors.ts). */
  killedOnRecheck: number;
  /** Killed (or timed out) out of every mutant that ran, as Stryker counts it; null when none ran. */
  score: number | null;
  /** Wall time of Stryker's run and of the re-run of its survivors, in seconds. */
  seconds?: { stryker: number; recheck: number };
}

function scoreOf(module: string, results: readonly MutantResult[]): ModuleScore {
  const mine = results.filter((result) => fromRepoRoot(result.fileName) === fromRepoRoot(module));
  const count = (...statuses: string[]) => mine.filter((result) => statuses.includes(result.status)).length;
  const killed = count("Killed", "Timeout");
  const survived = count("Survived");
  const noCoverage = count("NoCoverage");
  const valid = killed + survived + noCoverage;
  return { module, mutants: valid, killed, survived, noCoverage, killedOnRecheck: 0, score: valid === 0 ? null : (100 * killed) / valid };
}

/** Stryker's survivors of `module`, each re-run in a fresh process; the score counts what that run killed. */
function recheck(score: ModuleScore, tests: readonly string[]): ModuleScore {
  if (process.env.MUTATION_RECHECK === "0" || score.survived === 0) return score;
  const report = JSON.parse(readFileSync(fromRepoRoot(`${REPORT_DIR}/${slug(score.module)}.json`), "utf8")) as { files: Record<string, { mutants: ReportedMutant[] }> };
  const survivors = Object.values(report.files).flatMap((file) => file.mutants.filter((mutant) => mutant.status === "Survived"));
  console.log(`Re-running the tests on each of Stryker's ${survivors.length} survivors, in a copy of the sources...`);
  // A copy per module: runs of two modules at once must not re-check in each other's copy.
  const { killed, survived } = recheckSurvivors(score.module, tests, survivors, fromRepoRoot(`${WORK_DIR}/recheck-${slug(score.module)}`), (line) => console.log(line));
  const list = survived.map((mutant) => `  line ${mutant.location.start.line}: ${mutant.mutatorName} -> ${JSON.stringify(mutant.replacement ?? "")}`).join("\n");
  writeFileSync(fromRepoRoot(`${REPORT_DIR}/${slug(score.module)}.survivors.txt`), `${list}\n`);
  const total = score.killed + killed.length;
  return { ...score, killed: total, survived: survived.length, killedOnRecheck: killed.length, score: score.mutants === 0 ? null : (100 * total) / score.mutants };
}

const minutes = (seconds: number) => `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;

function printScores(scores: readonly ModuleScore[]): void {
  const floors = process.env.MUTATION_TESTS?.trim() ? "; MUTATION_TESTS ran a subset of the tests, so each score is a floor" : "";
  console.log(`\nmutation scores (goal ${GOAL_PERCENT} %; reports in ${REPORT_DIR}/${floors})`);
  if (process.env.MUTATION_LINES?.trim()) console.log(`  (MUTATION_LINES=${process.env.MUTATION_LINES.trim()}: only the mutants on those lines, not the modules' scores)`);
  for (const { module, mutants, killed, survived, noCoverage, killedOnRecheck, score, seconds } of scores) {
    const percent = score === null ? "  n/a" : `${score.toFixed(1).padStart(5)} %`;
    const mark = score !== null && score < GOAL_PERCENT ? "  below the goal" : "";
    const rechecked = killedOnRecheck > 0 ? ` (${killedOnRecheck} of them on the re-run)` : "";
    const time = seconds ? `; ${minutes(seconds.stryker)} Stryker, ${minutes(seconds.recheck)} re-run` : "";
    console.log(`  ${module.padEnd(34)} ${percent}  ${mutants} mutants, ${killed} killed${rechecked}, ${survived} survived, ${noCoverage} without a test${time}${mark}`);
  }
}

async function main(): Promise<void> {
  const targets = targetsToMutate(process.argv.slice(2));
  if (process.env.MUTATION_LINES?.trim() && targets.length !== 1) throw new UserFacingError("MUTATION_LINES needs exactly one module: name it after `--`.");
  for (const { module } of targets) {
    if (!existsSync(fromRepoRoot(module))) throw new UserFacingError(`${module} is in the mutation scope but does not exist: update scripts/lib/mutation-scope.ts.`);
  }
  // Stryker's workers read NODE_EXTRA_CA_CERTS once, when they start: set it before they do.
  const { cert } = await ensureCertificates();
  process.env.NODE_EXTRA_CA_CERTS = cert;
  const scores: ModuleScore[] = [];
  const failed: string[] = [];
  for (const target of targets) {
    const tests = testsToRun(target);
    const subset = tests.join() === target.tests.join() ? "" : " (a subset: the score is a floor)";
    console.log(`\n=== mutating ${target.module} (tests: ${tests.join(", ")})${subset} ===`);
    try {
      const started = Date.now();
      const results = await new Stryker(strykerOptions(target)).runMutationTest();
      const strykerDone = Date.now();
      const score = recheck(scoreOf(target.module, results), tests);
      scores.push({ ...score, seconds: { stryker: (strykerDone - started) / 1000, recheck: (Date.now() - strykerDone) / 1000 } });
    } catch (error) {
      // One module's failure (a test failing before any mutant) must not hide the others' scores.
      console.error(`${target.module}: Stryker stopped: ${error instanceof Error ? error.message : String(error)}`);
      failed.push(target.module);
    }
  }
  printScores(scores);
  for (const name of failed) console.log(`  ${name.padEnd(34)} not measured: Stryker stopped (see above)`);
  const below = scores.filter((score) => score.score !== null && score.score < GOAL_PERCENT);
  process.exit(below.length > 0 || failed.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error instanceof UserFacingError ? error.message : error);
  process.exit(1);
});
