import { scriptVerdict, type RunReport, type ScriptVerdict } from "./report";
import { evidence } from "./table";

/**
 * The compliance suite as a table of server × check (issue 14): one column per report, one row
 * per check (script file), each cell the verdict and the stanzas that decided it, whole
 * (table.ts's evidence, the same lines the terminal and the Markdown report show).
 */

export interface MatrixCell {
  verdict: ScriptVerdict;
  /** Why, then the deciding entries: "ok STEP", "FAIL STEP: reason", "not offered: ...", each followed by its entries. */
  evidence: string[];
}

export interface SuiteMatrix {
  servers: { label: string; software?: string; startedAt: string }[];
  /** In the order the first report ran them; a check one report lacks has a null cell there. */
  rows: { file: string; name: string; cells: (MatrixCell | null)[] }[];
}

export function suiteMatrix(reports: readonly { label: string; report: RunReport }[]): SuiteMatrix {
  const rows = new Map<string, SuiteMatrix["rows"][number]>();
  reports.forEach(({ report }, column) => {
    for (const script of report.scripts) {
      let row = rows.get(script.file);
      if (!row) rows.set(script.file, (row = { file: script.file, name: script.name, cells: reports.map(() => null) }));
      row.cells[column] = { verdict: scriptVerdict(script), evidence: evidence(script, Infinity) };
    }
  });
  return {
    servers: reports.map(({ label, report }) => ({ label, startedAt: report.startedAt, ...(report.software ? { software: report.software } : {}) })),
    rows: [...rows.values()],
  };
}
