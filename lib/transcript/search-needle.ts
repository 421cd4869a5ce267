/**
 * What decides, in the page's initial JS, whether a search goes to the worker; the index
 * itself (search-index.ts) and the client load with the worker, on first need.
 */

/**
 * From this many entries the lanes keep a search index in a worker (fed from then on, so it
 * is built before the search). Below, the main-thread scan answers within a slice or two.
 */
export const SEARCH_WORKER_FROM = 50_000;

/** localStorage key: "off" searches on the main thread only (the big-log bench's baseline). */
export const SEARCH_WORKER_KEY = "playground:search-worker";

/**
 * The lowercase needle the worker's index can answer for, or null when only the main-thread
 * scan can: a regex, text with non-ASCII (lowercasing there may change lengths and compare
 * differently) or a NUL (the index's separator, see search-index.ts).
 */
export function indexableNeedle(search: string, mode: "text" | "regex"): string | null {
  if (mode !== "text" || search === "" || !/^[\u0001-\u007f]+$/.test(search)) return null;
  return search.toLowerCase();
}
