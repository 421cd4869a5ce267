import type { AppUnderTest } from "../app-under-test";
import type { Figure } from "../report";
import { summarize } from "../stats";
import { SEARCH_WORKER_KEY } from "../../lib/transcript/search-needle";
import type { Page } from "playwright-core";
import { flood } from "../direct-client";
import { durationsOf, forgetLongTasks, longTasksSoFar, observeLongTasks, observeLongTasksFromStart, unarchivedFlooder, workbenchAsAlice } from "./ingest";
import { CoreWaits, type LongTask } from "../core-waits";

/** Under the bridge's default cap of 1,000,000 entries per session, with room for the login; BIG_LOG_ENTRIES for a shorter run. */
const ENTRIES = Number(process.env.BIG_LOG_ENTRIES ?? 990_000);
const RATE = 20_000;

/**
 * Case 3: a session of a million entries in the real workbench (flooded in through the
 * bridge, not injected): search and filter answers, scrolling frame times, JS heap, export.
 * Searches are timed in the page; the export from the bench process (click to download starting).
 */
export async function bigLog(app: AppUnderTest): Promise<Figure[]> {
  const { page, sent, rows } = await floodedWorkbench(app, ENTRIES);

  // Search: each answered when the lanes show the new count; main-thread tasks watched meanwhile.
  // Each query twice: on the main thread (the baseline: the path before the worker, switched
  // by SEARCH_WORKER_KEY) and through the worker's index, in blocks of the same queries.
  const search = page.getByRole("searchbox");
  const indexStats = await waitForIndex(page, rows);
  await observeLongTasks(page);
  // Each long task is read against what the renderer's main thread ran and waited meanwhile.
  const waits = new CoreWaits();
  waits.start();
  const { queries, superseded } = bigLogQueries(sent);
  const countShownMs = () => countShown(page);
  const watchCount = (expected: number) => watchCountIn(page, expected);
  const runSearches = async (worker: boolean) => {
    await page.evaluate(([key, off]) => (off ? localStorage.setItem(key, "off") : localStorage.removeItem(key)), [SEARCH_WORKER_KEY, !worker] as const);
    await forgetLongTasks(page);
    const searchMs: number[] = [];
    for (const [query, expected] of queries) {
      await watchCount(expected);
      await search.fill(query);
      searchMs.push(await countShownMs());
      await search.fill("");
    }
    // A new query while one runs: the old one must give way, and the count must be the new one's.
    const cancelMs: number[] = [];
    for (const [first, [second, expected]] of superseded) {
      await watchCount(expected);
      await search.fill(first);
      await search.fill(second);
      cancelMs.push(await countShownMs());
      await search.fill("");
    }
    const tasks = await longTasksSoFar(page);
    const durations = durationsOf(tasks);
    return { search: summarize(searchMs), cancel: summarize(cancelMs), longest: Math.max(0, ...durations), over50: durations.filter((duration) => duration > 50).length, waited: waits.explain(tasks) };
  };
  const mainThread = await runSearches(false);
  const inWorker = await runSearches(true);
  // Where the worker's figure goes: the index search alone, inside the worker.
  const probeMs: number[] = [];
  for (const [query, expected] of queries) {
    const probe = await probeIndex(page, query.toLowerCase());
    if (probe.matches !== expected) throw new Error(`the index found ${probe.matches} entries for ${query}, the lanes ${expected}`);
    probeMs.push(probe.ms);
  }

  // Scrolling: 120 frames of wheel-sized steps through the virtualized list.
  const frames = (await page.evaluate(`(async () => {
    const viewport = document.querySelector('[aria-label="Transcript entries"]').parentElement;
    viewport.scrollTop = 0;
    const deltas = [];
    let last = performance.now();
    for (let i = 0; i < 120; i++) {
      viewport.scrollTop += 600;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      deltas.push(now - last);
      last = now;
    }
    return deltas;
  })()`)) as number[];

  const heapMb = await pageHeapMb(page);

  // Three exports, the median the figure: one export's time moved 4.7 → 5.7 s between two
  // full runs of the same build (issue 17), across the 5 s target.
  const exports: { seconds: number; longTasks: LongTask[] }[] = [];
  for (let i = 0; i < EXPORTS; i++) exports.push(await exportAsJson(page));
  const exportSeconds = summarize(exports.map((one) => one.seconds));
  const exportLongTasks = exports.flatMap((one) => one.longTasks);
  const exportTasks = durationsOf(exportLongTasks);
  const exportWaited = waits.explain(exportLongTasks);
  waits.stop();
  const exportLongest = Math.max(0, ...exportTasks);
  await page.getByRole("button", { name: "Disconnect" }).click();
  await page.getByTestId("connection-status").filter({ hasText: "Closed" }).waitFor();
  await page.close();

  const one = (value: number) => ({ n: 1, min: value, median: value, p99: value, max: value });
  const frame = summarize(frames);
  const indexMb = indexStats.bytes / (1024 * 1024);
  return [
    {
      case: "big-log",
      name: `search over ${rows} entries, until the count shows`,
      unit: "ms",
      value: inWorker.search,
      baseline: { name: "the same queries scanned on the main thread", value: mainThread.search },
      target: "≤ 100 ms (median)",
      verdict: inWorker.search.median <= 100 ? "pass" : "miss",
      note: "timed in the page: from the search box's first input event to the animation frame after the count showed",
    },
    {
      case: "big-log",
      name: "of which the index search alone, inside the worker (same queries)",
      unit: "ms",
      value: summarize(probeMs),
      target: "reported: the rest is messaging, the query's rows and the React update",
      verdict: "info",
    },
    {
      case: "big-log",
      name: "a second query typed while the first runs, until its count shows",
      unit: "ms",
      value: inWorker.cancel,
      baseline: { name: "on the main thread", value: mainThread.cancel },
      target: "the second query's count, ≤ 100 ms (median)",
      verdict: inWorker.cancel.median <= 100 ? "pass" : "miss",
    },
    {
      case: "big-log",
      name: "longest main-thread task while those searches ran",
      unit: "ms",
      value: one(inWorker.longest),
      baseline: { name: "on the main thread", value: one(mainThread.longest) },
      target: "≤ 50 ms: the page answers input while a search runs",
      verdict: inWorker.longest <= 50 ? "pass" : "miss",
      note: `${inWorker.over50} tasks over 50 ms (main thread: ${mainThread.over50})${inWorker.waited === "" ? "" : `; ${inWorker.waited}`}`,
    },
    { case: "big-log", name: "scrolling through them: time per frame", unit: "ms", value: frame, target: "< 16 ms a frame (p99 shown)", verdict: frame.median < 17 ? "pass" : "miss", note: "60 Hz frames measure 16.7 ms" },
    { case: "big-log", name: "JS heap of the page after GC", unit: "MB", value: one(heapMb), target: "< 500 MB", verdict: heapMb < 500 ? "pass" : "miss", note: "the main thread's; the search index below is in the worker's heap" },
    {
      case: "big-log",
      name: `search index in the worker (${indexStats.entries} entries: lowercase text and offsets)`,
      unit: "MB",
      value: one(indexMb),
      target: "reported: memory the worker adds",
      verdict: "info",
      note: `index caught up ${(indexStats.lagMs / 1000).toFixed(1)} s after the last entry showed`,
    },
    { case: "big-log", name: "export of the whole transcript as JSON", unit: "s", value: exportSeconds, target: "< 5 s (median)", verdict: exportSeconds.median < 5 ? "pass" : "miss" },
    {
      case: "big-log",
      name: `longest main-thread task during those ${EXPORTS} exports`,
      unit: "ms",
      value: one(exportLongest),
      target: "≤ 50 ms: the page answers input while it exports",
      verdict: exportLongest <= 50 ? "pass" : "miss",
      note: `${exportTasks.filter((duration) => duration > 50).length} tasks over 50 ms${exportWaited === "" ? "" : `; ${exportWaited}`}`,
    },
  ];
}

const EXPORTS = 3;

/** alice's workbench with `entries` messages flooded in through the bridge (bench/profile.ts's `export` too). */
export async function floodedWorkbench(app: AppUnderTest, entries: number): Promise<{ page: Page; sent: number; rows: number }> {
  const page = await workbenchAsAlice(app);
  const flooder = await unarchivedFlooder();
  const sent = await flood(flooder, RATE, entries / RATE, "big-");
  flooder.close();
  const list = page.locator('[aria-label="Transcript entries"]');
  const deadline = Date.now() + Number(process.env.BIG_LOG_WAIT_S ?? 180) * 1000;
  while (Number(await list.getAttribute("data-row-count")) < entries && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
  return { page, sent, rows: Number(await list.getAttribute("data-row-count")) };
}

/**
 * The export of the whole transcript as JSON, from the click until the download starts (s),
 * and the page's tasks over 50 ms meanwhile (ms).
 */
export async function exportAsJson(page: Page): Promise<{ seconds: number; longTasks: LongTask[] }> {
  if (!(await page.evaluate(() => "benchLongTasks" in window))) await observeLongTasks(page);
  await page.locator("summary", { hasText: "Export" }).first().click();
  await forgetLongTasks(page);
  const started = performance.now();
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.getByRole("button", { name: "Transcript (.json)" }).click()]);
  const seconds = (performance.now() - started) / 1000;
  const longTasks = await longTasksSoFar(page);
  await download.delete();
  return { seconds, longTasks };
}

/**
 * The case's queries, each with the count it must show: the flood's ids are big-0 to
 * big-(sent - 1), each in one entry. `superseded`: a first query, then a second typed while it runs.
 */
export function bigLogQueries(sent: number): { queries: [string, number][]; superseded: (readonly [string, [string, number]])[] } {
  const expect = (query: string): [string, number] => [query, Array.from({ length: sent }, (_, n) => `id='big-${n}'`).filter((id) => id.includes(query.toLowerCase())).length];
  const queries = ["big-123456'", "big-98765", "big-4242", "BIG-55555", "big-7777"].map(expect);
  const superseded = ([["big-1", "big-31415"], ["big-2", "big-27182"], ["big-3", "big-16180"]] as const).map(([first, second]) => [first, expect(second)] as const);
  return { queries, superseded };
}

/**
 * Starts timing, in the page, from the search box's first input event to the animation frame
 * after the count shows `expected` (countShown awaits it): timed from the bench process,
 * Playwright's fill and its polling of the text added tens of milliseconds of its own round trips.
 */
export async function watchCountIn(page: Page, expected: number): Promise<void> {
  await page.evaluate(`(() => {
      window.benchCount = new Promise((resolve, reject) => {
        const box = document.querySelector('[aria-label="Stream lanes"] input[type="search"]');
        const status = document.querySelector('[aria-live="polite"]');
        let typed = -1;
        box.addEventListener("input", (event) => { if (typed < 0) typed = event.timeStamp; }, { capture: true });
        // ingest.ts's matchCount, here in the page.
        const shown = (text) => { const match = /of ([\\d,]+)|([\\d,]+) match/.exec(text ?? ""); return Number((match?.[1] ?? match?.[2] ?? "0").replaceAll(",", "")); };
        const giveUp = setTimeout(() => { observer.disconnect(); reject(new Error("the count never showed ${expected}: it shows " + status.textContent)); }, 30000);
        const observer = new MutationObserver(() => {
          if (typed < 0 || shown(status.textContent) !== ${expected}) return;
          observer.disconnect();
          clearTimeout(giveUp);
          requestAnimationFrame(() => resolve(performance.now() - typed));
        });
        observer.observe(status, { childList: true, subtree: true, characterData: true });
      });
    })()`);
}

/** The time watchCountIn measures (ms), once the count has shown. */
export async function countShown(page: Page): Promise<number> {
  return (await page.evaluate("window.benchCount")) as number;
}

async function probeIndex(page: Page, needle: string): Promise<{ ms: number; matches: number }> {
  for (const worker of page.workers()) {
    const probe = (await worker.evaluate((text) => (self as unknown as { searchIndexProbe?: (needle: string) => { ms: number; matches: number } }).searchIndexProbe?.(text) ?? null, needle)) as { ms: number; matches: number } | null;
    if (probe !== null) return probe;
  }
  throw new Error("no search worker in the page");
}

/** Waits until the search worker has indexed `entries`; its index's size and how long that took. */
export async function waitForIndex(page: Page, entries: number): Promise<{ entries: number; bytes: number; lagMs: number }> {
  const started = performance.now();
  for (;;) {
    for (const worker of page.workers()) {
      const stats = (await worker.evaluate(() => (self as unknown as { searchIndexStats?: () => { entries: number; bytes: number } }).searchIndexStats?.() ?? null)) as { entries: number; bytes: number } | null;
      if (stats !== null && stats.entries >= entries) return { ...stats, lagMs: performance.now() - started };
    }
    if (performance.now() - started > 120_000) throw new Error(`the search worker did not index ${entries} entries in 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Reloads the workbench and waits until its lanes hold `rows` entries again: this browser's
 * stored ones from IndexedDB, the rest from the bridge. Times from the reload's start (ms) until
 * the lanes first show rows and until they show them all, with the page's long tasks meanwhile
 * (observed from the new document's start).
 */
export async function reloadUntilShown(page: Page, rows: number): Promise<{ firstRows: number; firstRowsMs: number; allRowsMs: number; longTasks: LongTask[] }> {
  await observeLongTasksFromStart(page);
  const started = performance.now();
  await page.reload();
  const list = page.getByTestId("pane-a").getByLabel("Transcript entries");
  let firstRows = 0;
  let firstRowsMs = 0;
  for (;;) {
    const shown = Number((await list.getAttribute("data-row-count", { timeout: RELOAD_WAIT_MS })) ?? 0);
    const elapsed = performance.now() - started;
    if (firstRows === 0 && shown > 0) [firstRows, firstRowsMs] = [shown, elapsed];
    if (shown >= rows) return { firstRows, firstRowsMs, allRowsMs: elapsed, longTasks: await longTasksSoFar(page) };
    if (elapsed > RELOAD_WAIT_MS) throw new Error(`after the reload the lanes showed ${shown} of ${rows} entries in ${RELOAD_WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const RELOAD_WAIT_MS = 120_000;

/** The page's main-thread JS heap after a full garbage collection (MB). */
export async function pageHeapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("HeapProfiler.collectGarbage");
    const heap = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
    return heap.usedSize / (1024 * 1024);
  } finally {
    await cdp.detach();
  }
}
