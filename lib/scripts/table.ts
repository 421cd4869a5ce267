import { reportEntry, scriptVerdict, type ReportEntry, type RunReport, type ScriptRunReport } from "./report";

/**
 * The suite's table for a terminal: one row per check with its verdict, and under it the
 * stanzas that decided it (the matched entries of a pass, the window of a failed step, the
 * probe's answer for "not offered"), each cut to one line. The JSON report keeps them whole.
 */

const RAW_WIDTH = 150;

export function suiteTable(report: RunReport): string {
  const width = Math.max(5, ...report.scripts.map((script) => script.name.length));
  const lines = [`${"check".padEnd(width)}  verdict       steps  time`];
  for (const script of report.scripts) {
    const verdict = scriptVerdict(script);
    const passed = script.steps.filter((step) => step.passed).length;
    lines.push(`${script.name.padEnd(width)}  ${verdict.padEnd(12)}  ${`${passed}/${script.steps.length}`.padStart(5)}  ${(script.durationMs / 1000).toFixed(2)} s`);
    for (const line of evidence(script)) lines.push(`    ${line}`);
  }
  const counts = (["passed", "failed", "not offered"] as const).map((verdict) => `${report.scripts.filter((script) => scriptVerdict(script) === verdict).length} ${verdict}`);
  lines.push("", `${report.scripts.length} checks: ${counts.join(", ")}.`);
  return lines.join("\n");
}

/** The lines under a row: why, then the entries. */
export function evidence(script: ScriptRunReport, width = RAW_WIDTH): string[] {
  const entryLine = (entry: ReportEntry) => formatEntry(entry, width);
  if (script.notOffered) return [`not offered: ${script.notOffered.reason}`, ...script.notOffered.evidence.filter((entry) => entry.dir === "in").map(reportEntry).map(entryLine)];
  if (script.error !== undefined) return [script.error];
  return script.steps.flatMap((step) => {
    if (!step.passed) return [`FAIL ${step.name}: ${step.reason ?? ""}`, ...step.window.filter((entry) => entry.dir !== "event").map(reportEntry).map(entryLine)];
    const matched = new Set(step.matched.map(({ account, seq }) => `${account}#${seq}`));
    return [`ok ${step.name}`, ...step.window.filter((entry) => matched.has(`${entry.account}#${entry.seq}`)).map(reportEntry).map(entryLine)];
  });
}

function formatEntry(entry: ReportEntry, width: number): string {
  const raw = entry.raw.replace(/\s+/g, " ");
  return `  ${entry.account} #${entry.seq} ${entry.dir === "out" ? "->" : entry.dir === "in" ? "<-" : "--"} ${raw.length > width ? `${raw.slice(0, width)}...` : raw}`;
}

/** The suite's report as Markdown for docs/: a header, the table, then each check's deciding stanzas whole. */
export function suiteMarkdown(report: RunReport, title: string): string {
  const counts = (["passed", "failed", "not offered"] as const).map((verdict) => `${report.scripts.filter((script) => scriptVerdict(script) === verdict).length} ${verdict}`);
  const lines = [
    `# ${title}`,
    "",
    `Server: ${report.software ?? "(did not say)"} at ${report.server}. Run ${report.startedAt}, ${((report.durationMs ?? 0) / 1000).toFixed(1)} s. ${counts.join(", ")}.`,
    "",
    "| check | file | verdict | steps passed |",
    "|---|---|---|---|",
    ...report.scripts.map((script) => `| ${script.name} | ${script.file.split("/").at(-1)} | ${scriptVerdict(script)} | ${script.steps.filter((step) => step.passed).length}/${script.steps.length} |`),
  ];
  for (const script of report.scripts) {
    lines.push("", `## ${script.name}: ${scriptVerdict(script)}`, "", "```text", ...evidence(script, Infinity), "```");
  }
  return `${lines.join("\n")}\n`;
}
