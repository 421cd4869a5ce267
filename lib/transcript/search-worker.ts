import { serveSearch, type SearchEndpoint } from "./search-protocol";

// The worker's entry point, loaded by search-client.ts on first need (never in a page's initial JS).
const served = serveSearch(self as unknown as SearchEndpoint);

// For the bench (bench/cases/big-log.ts calls these through Playwright): what the index costs,
// and how long a search takes inside the worker, without the page around it.
Object.assign(self, {
  searchIndexStats: () => ({ entries: served.index.size, bytes: served.index.bytes() }),
  searchIndexProbe: (needle: string) => {
    const started = performance.now();
    const search = served.index.search(needle);
    while (!search.step(Infinity));
    return { ms: performance.now() - started, matches: search.matches().length };
  },
});
