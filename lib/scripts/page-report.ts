import type { ComparedReport } from "./compare";
import { toJson, type RunReport } from "./report";
import type { StepVerdict } from "./run";
import type { Script } from "./types";

/**
 * A run made in the page, as the command line reports one (report.ts): the same JSON, so the
 * page compares two of its runs with compare.ts, and `npm run script -- compare` reads an
 * exported one beside a CI run's.
 */
export interface PageRun {
  /** What the sessions dialled, in words: "guided · starttls · 127.0.0.1:5222". */
  server: string;
  script: Pick<Script, "file" | "name">;
  /** The run's values ({{alice}}, {{run}}, ...) and every capture. */
  values: Record<string, string>;
  verdicts: StepVerdict[];
  startedAt: string;
  durationMs: number;
}

export function pageRunReport(run: PageRun): RunReport {
  const passed = run.verdicts.every((verdict) => verdict.passed);
  return {
    server: run.server,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    passed,
    scripts: [{ file: run.script.file, name: run.script.name, values: run.values, steps: run.verdicts, durationMs: run.durationMs }],
  };
}

/** The report as compare.ts reads it: the JSON the command line writes, read back. */
export function comparable(report: RunReport): ComparedReport {
  return JSON.parse(toJson(report)) as ComparedReport;
}
