import { SearchIndex, type IndexSearch } from "./search-index";

/**
 * What the page and the search worker say to each other, and the worker's side of it. No
 * DOM and no worker globals here: the tests drive it over a MessageChannel.
 */

export type ToSearchWorker =
  /** Raws of the next entries, in the store's order. */
  | { type: "append"; raws: string[] }
  /** The store was reset (a new session): forget every entry. */
  | { type: "reset" }
  /** Supersedes any search still running: only the newest is answered. */
  | { type: "search"; id: number; needle: string };

export type FromSearchWorker = { type: "result"; id: number; upTo: number; matches: Int32Array };

/** The worker's end: `postMessage` with transferables, as a worker's global scope and a MessagePort have. */
export interface SearchEndpoint {
  postMessage(message: FromSearchWorker, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToSearchWorker>) => void) | null;
}

/** A slice of searching between looks at the worker's messages: a newer search waits at most this long. */
const SLICE_MS = 4;

/**
 * Serves searches on `endpoint` from an index fed by its messages. A search runs in slices,
 * each followed by a task of its own, so a message sent meanwhile (an append, or a newer
 * search that replaces this one) is handled within a slice. Returns the index (for its
 * size) and a stop function.
 */
export function serveSearch(endpoint: SearchEndpoint): { index: SearchIndex; stop(): void } {
  const index = new SearchIndex();
  let running: { id: number; search: IndexSearch } | null = null;
  // A MessageChannel rather than setTimeout: nested timeouts are clamped to 4 ms.
  const tick = new MessageChannel();
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    tick.port2.postMessage(null);
  };
  tick.port1.onmessage = () => {
    scheduled = false;
    if (running === null) return;
    const { id, search } = running;
    // Reset while it ran: the entries it read are gone; an answer covering none is still true.
    const done = search.void || search.step(performance.now() + SLICE_MS);
    if (!done) return schedule();
    running = null;
    const matches = search.void ? new Int32Array(0) : search.matches();
    endpoint.postMessage({ type: "result", id, upTo: search.void ? 0 : search.upTo, matches }, [matches.buffer]);
  };
  endpoint.onmessage = ({ data }) => {
    if (data.type === "append") index.append(data.raws);
    else if (data.type === "reset") index.reset();
    else {
      running = { id: data.id, search: index.search(data.needle) };
      schedule();
    }
  };
  return {
    index,
    stop() {
      endpoint.onmessage = null;
      tick.port1.close();
    },
  };
}
