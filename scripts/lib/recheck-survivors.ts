import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fromRepoRoot } from "./instances";

/**
 * StrykerJS reports mutants as Survived that the module's tests kill when the mutant is
 * written into the source: every mutant of a value built when the module loads (stryker-js
 * issues #6144 and #6209), and here also mutants inside functions (the saxes options of the
 * redactor: 39 tests fail on it by hand, Stryker said Survived). So no survivor is believed on
 * Stryker's word: each is written into a copy of the sources and the module's tests run on it
 * in a fresh Vitest process. Only a mutant those tests pass on is a survivor.
 */

/** A mutant as Stryker's JSON report (mutation-testing-report-schema) gives it: 1-based lines and columns. */
export interface ReportedMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/** The source with one mutant applied. */
export function applyMutant(source: string, mutant: ReportedMutant): string {
  const offset = offsetsOfLines(source);
  const at = ({ line, column }: { line: number; column: number }) => offset[line - 1]! + column - 1;
  return source.slice(0, at(mutant.location.start)) + (mutant.replacement ?? "") + source.slice(at(mutant.location.end));
}

function offsetsOfLines(source: string): number[] {
  const offsets = [0];
  for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1)) offsets.push(i + 1);
  return offsets;
}

/** What the tests use; the app's pages and components are not imported by the modules in scope. */
/** The test certificate too: the dial-guard tests serve TLS with it (Stryker's own sandbox keeps it). */
const SANDBOX_PARTS = ["lib", "server", "scripts", "test", "types", "tsconfig.json", "vitest.mutation.config.ts", "package.json", ".playground/certs"];

export interface RecheckResult {
  /** Mutants the tests killed once the mutant was really in the source. */
  killed: ReportedMutant[];
  /** Mutants the tests still pass on. */
  survived: ReportedMutant[];
}

/**
 * The test files a module's globs name (scripts/lib/mutation-scope.ts: a `*` in the file
 * name only). Vitest reads its command-line arguments as parts of a path, not as globs: given
 * `check*.test.ts` it finds no file, exits 1, and every mutant would look killed.
 */
export function expandTestGlobs(globs: readonly string[], root: string): string[] {
  const files = globs.flatMap((glob) => {
    const dir = path.posix.dirname(glob);
    const name = path.posix.basename(glob);
    if (dir.includes("*")) throw new Error(`Test glob ${glob}: a * only in the file name is supported.`);
    if (!name.includes("*")) return existsSync(path.join(root, glob)) ? [glob] : [];
    const pattern = new RegExp(`^${name.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);
    return existsSync(path.join(root, dir)) ? readdirSync(path.join(root, dir)).filter((entry) => pattern.test(entry)).sort().map((entry) => `${dir}/${entry}`) : [];
  });
  const unique = [...new Set(files)];
  if (unique.length === 0) throw new Error(`No test file matches ${globs.join(", ")}.`);
  return unique;
}

export function recheckSurvivors(module: string, tests: readonly string[], mutants: readonly ReportedMutant[], sandbox: string, log: (line: string) => void): RecheckResult {
  const result: RecheckResult = { killed: [], survived: [] };
  if (mutants.length === 0) return result;
  rmSync(sandbox, { recursive: true, force: true });
  mkdirSync(sandbox, { recursive: true });
  for (const part of SANDBOX_PARTS) if (existsSync(fromRepoRoot(part))) cpSync(fromRepoRoot(part), path.join(sandbox, part), { recursive: true });
  symlinkSync(fromRepoRoot("node_modules"), path.join(sandbox, "node_modules"));
  const target = path.join(sandbox, module);
  const original = readFileSync(target, "utf8");
  const files = expandTestGlobs(tests, sandbox);
  const passes = () =>
    spawnSync(process.execPath, [fromRepoRoot("node_modules/vitest/vitest.mjs"), "run", "--config", "vitest.mutation.config.ts", ...files], {
      cwd: sandbox,
      env: process.env,
      stdio: "ignore",
      timeout: 5 * 60_000,
    }).status === 0;
  try {
    // The copy must pass unmutated: otherwise a failure says nothing about a mutant.
    if (!passes()) throw new Error(`The tests fail on an unmutated copy of the sources (${files.join(" ")}): no survivor can be re-checked.`);
    for (const [index, mutant] of mutants.entries()) {
      unlinkSync(target);
      writeFileSync(target, applyMutant(original, mutant));
      const survives = passes();
      (survives ? result.survived : result.killed).push(mutant);
      log(`  re-checked ${index + 1}/${mutants.length}: line ${mutant.location.start.line} ${mutant.mutatorName}: ${survives ? "survives" : "killed"}`);
    }
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
  return result;
}
