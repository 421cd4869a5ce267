import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { fromRepoRoot } from "../scripts/lib/instances";
import { round, type Summary } from "./stats";

/** One line of the report: a figure, the baseline measured beside it, and the verdict. */
export interface Figure {
  case: string;
  name: string;
  unit: string;
  value: Summary;
  baseline?: { name: string; value: Summary };
  /** What the ratio or the value is held against, in words ("added ≤ 0.3 ms at the median"). */
  target: string;
  verdict: "pass" | "miss" | "info";
  note?: string;
}

const RESULTS_DIR = "bench/results";

export function writeReport(figures: Figure[], meta: Record<string, unknown>): { json: string; markdown: string } {
  mkdirSync(fromRepoRoot(RESULTS_DIR), { recursive: true });
  const jsonPath = fromRepoRoot(`${RESULTS_DIR}/latest.json`);
  // Running one case keeps the other cases' latest figures.
  const previous = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, "utf8")) as { figures: Figure[] }).figures : [];
  const ran = new Set(figures.map((figure) => figure.case));
  const merged = [...previous.filter((figure) => !ran.has(figure.case)), ...figures];
  writeFileSync(jsonPath, `${JSON.stringify({ meta, figures: merged }, null, 2)}\n`);
  const markdown = toMarkdown(merged, meta);
  writeFileSync(fromRepoRoot(`${RESULTS_DIR}/latest.md`), markdown);
  return { json: jsonPath, markdown };
}

function toMarkdown(figures: Figure[], meta: Record<string, unknown>): string {
  const cell = (summary: Summary) => `${round(summary.min)} / ${round(summary.median)} / ${round(summary.p99)} / ${round(summary.max)} (n=${summary.n})`;
  const lines = [
    `# Benchmarks`,
    ``,
    `${Object.entries(meta).map(([key, value]) => `${key}: ${String(value)}`).join(" · ")}`,
    ``,
    `| case | figure | min / median / p99 / max | baseline | ratio (median) | target | verdict |`,
    `|---|---|---|---|---|---|---|`,
  ];
  for (const figure of figures) {
    const baseline = figure.baseline ? `${figure.baseline.name}: ${cell(figure.baseline.value)}` : "—";
    const ratio = figure.baseline && figure.baseline.value.median > 0 ? `${round(figure.value.median / figure.baseline.value.median, 2)}×` : "—";
    lines.push(`| ${figure.case} | ${figure.name} (${figure.unit}) | ${cell(figure.value)} | ${baseline} | ${ratio} | ${figure.target} | ${figure.verdict}${figure.note ? ` (${figure.note})` : ""} |`);
  }
  return `${lines.join("\n")}\n`;
}
