import { loadCourse } from "../../lib/lessons/load-course";
import { measurePageWeight, type PageWeight } from "../../scripts/lib/page-weight";
import { BENCH_URL } from "../app-under-test";
import type { Figure } from "../report";

const BUDGET_KB = 200;

/** Case 4: initial JS of each page, gzipped; deterministic, so one sample each. */
export async function pageWeight(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const path of ["/", "/playground"]) figures.push(figure(await measurePageWeight(BENCH_URL, path), path));
  // Every lesson page carries the workbench plus its own lesson: the heaviest one is the figure.
  const lessons: PageWeight[] = [];
  for (const lesson of loadCourse().lessons) lessons.push(await measurePageWeight(BENCH_URL, `/lessons/${lesson.slug}`));
  const heaviest = lessons.reduce((most, weight) => (weight.gzipBytes > most.gzipBytes ? weight : most));
  figures.push(figure(heaviest, `the heaviest of the ${lessons.length} lesson pages, ${heaviest.path}`));
  return figures;
}

function figure(weight: PageWeight, label: string): Figure {
  const kb = weight.gzipBytes / 1024;
  const one = { n: 1, min: kb, median: kb, p99: kb, max: kb };
  const notes = [weight.containsMonaco ? "Monaco is in the initial JS" : "", weight.containsXmlParser ? "the XML parser (saxes) is in the initial JS" : ""].filter(Boolean);
  return {
    case: "page-weight",
    name: `initial JS of ${label} (${weight.scripts} scripts, ${Math.round(weight.rawBytes / 1024)} KB raw)`,
    unit: "KB gzip",
    value: one,
    baseline: { name: "budget", value: { n: 1, min: BUDGET_KB, median: BUDGET_KB, p99: BUDGET_KB, max: BUDGET_KB } },
    target: `≤ ${BUDGET_KB} KB, no Monaco, no XML parser`,
    verdict: kb <= BUDGET_KB && notes.length === 0 ? "pass" : "miss",
    ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
  };
}
