import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
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
const SANDBOX_PARTS = ["lib", "server", "scripts", "test", "types", "tsconfig.json", "vitest.mutation.config.ts", "package.json"];

export interface RecheckResult {
  /** Mutants the tests killed once the mutant was really in the source. */
  killed: ReportedMutant[];
  /** Mutants the tests still pass on. */
  survived: ReportedMutant[];
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
  try {
    for (const [index, mutant] of mutants.entries()) {
      unlinkSync(target);
      writeFileSync(target, applyMutant(original, mutant));
      const run = spawnSync(process.execPath, [fromRepoRoot("node_modules/vitest/vitest.mjs"), "run", "--config", "vitest.mutation.config.ts", ...tests], {
        cwd: sandbox,
        env: process.env,
        stdio: "ignore",
        timeout: 5 * 60_000,
      });
      (run.status === 0 ? result.survived : result.killed).push(mutant);
      log(`  re-checked ${index + 1}/${mutants.length}: line ${mutant.location.start.line} ${mutant.mutatorName}: ${run.status === 0 ? "survives" : "killed"}`);
    }
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
  return result;
}
