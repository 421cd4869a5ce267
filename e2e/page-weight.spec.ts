import { expect, test } from "./fixtures";
import { loadCourse } from "../lib/lessons/load-course";
import { measurePageWeight } from "../scripts/lib/page-weight";

// Byte counts of a build are deterministic, so the budget is a test (the timing side is in npm run bench).
const BUDGET_GZIP_BYTES = 200 * 1024;

// The captures page reads a capture as it opens (a shared link names one), so its parser is part of its first paint.
const PARSES_AT_FIRST_PAINT = new Set(["/captures"]);

// Every lesson page carries the workbench (editor shell, lanes) plus its lesson: each is measured.
const lessonPages = loadCourse().lessons.map((lesson) => `/lessons/${lesson.slug}`);

for (const path of ["/", "/playground", "/captures", "/scripts", "/lessons", ...lessonPages]) {
  test(`initial JS of ${path} stays within ${BUDGET_GZIP_BYTES / 1024} KB gzipped, without Monaco${PARSES_AT_FIRST_PAINT.has(path) ? "" : " or the XML parser"}`, async ({ baseURL }) => {
    const weight = await measurePageWeight(baseURL!, path);
    expect(weight.scripts).toBeGreaterThan(0);
    expect(weight.containsMonaco, "Monaco must load after first paint").toBe(false);
    expect(weight.containsXmlParser, "the XML parser (saxes) must load after first paint").toBe(PARSES_AT_FIRST_PAINT.has(path));
    expect(weight.gzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });
}

test("the editor's Monaco arrives after first paint, from this server", async ({ page }) => {
  const monacoRequests: string[] = [];
  page.on("request", (request) => {
    if (/monaco|editor\.worker/i.test(request.url()) || request.url().includes("/_next/static/")) monacoRequests.push(new URL(request.url()).host);
  });
  await page.goto("/playground");
  await expect(page.getByTestId("stanza-editor").locator(".monaco-editor")).toBeVisible();
  // Everything came from the app's own origin: no CDN.
  expect(new Set(monacoRequests)).toEqual(new Set([new URL(page.url()).host]));
});
