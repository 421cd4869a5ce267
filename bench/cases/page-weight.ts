import { measurePageWeight } from "../../scripts/lib/page-weight";
import { BENCH_URL } from "../app-under-test";
import type { Figure } from "../report";

const BUDGET_KB = 200;

/** Case 4: initial JS of each page, gzipped; deterministic, so one sample each. */
export async function pageWeight(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const path of ["/", "/playground"]) {
    const weight = await measurePageWeight(BENCH_URL, path);
    const kb = weight.gzipBytes / 1024;
    const one = { n: 1, min: kb, median: kb, p99: kb, max: kb };
    figures.push({
      case: "page-weight",
      name: `initial JS of ${path} (${weight.scripts} scripts, ${Math.round(weight.rawBytes / 1024)} KB raw)`,
      unit: "KB gzip",
      value: one,
      baseline: { name: "budget", value: { n: 1, min: BUDGET_KB, median: BUDGET_KB, p99: BUDGET_KB, max: BUDGET_KB } },
      target: `≤ ${BUDGET_KB} KB, no Monaco`,
      verdict: kb <= BUDGET_KB && !weight.containsMonaco ? "pass" : "miss",
      ...(weight.containsMonaco ? { note: "Monaco is in the initial JS" } : {}),
    });
  }
  return figures;
}
