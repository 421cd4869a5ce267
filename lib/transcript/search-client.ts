import type { TranscriptEntry } from "../xmpp/entry";
import type { KnownMatches } from "./query";
import type { FromSearchWorker, ToSearchWorker } from "./search-protocol";
import type { TranscriptStore } from "./transcript-store";

/**
 * The page's side of the search worker: feeds it the store's raws as they arrive (so its
 * index is built before anyone searches) and asks it for the entries matching a needle.
 * Headless: the lanes hold one per store through a hook, tests drive it with a fake worker.
 */

export interface SearchWorkerLike {
  postMessage(message: ToSearchWorker): void;
  onmessage: ((event: MessageEvent<FromSearchWorker>) => void) | null;
  terminate(): void;
}

/** Raws per message: a structured clone of this many stays a task of a few ms. */
export const FEED_ENTRIES = 8192;

export class SearchClient {
  /** Entries sent, counted from the first ever held, and the last of them (a reset shows as another one there). */
  private fed = 0;
  private lastFed: TranscriptEntry | undefined;
  private feedTimer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 0;
  private waiting: { id: number; needle: string; upTo: number; last: TranscriptEntry | undefined; resolve(known: KnownMatches | null): void } | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: TranscriptStore,
    private readonly worker: SearchWorkerLike,
    private readonly feedEntries = FEED_ENTRIES,
  ) {
    worker.onmessage = ({ data }) => this.answered(data);
    this.unsubscribe = store.subscribe(() => this.scheduleFeed());
    this.scheduleFeed();
  }

  /**
   * The matches of `needle` (lowercase, see indexableNeedle) among the entries fed so far;
   * null when a newer search replaced this one first. Entries not fed yet are left to the
   * query, which scans past `upTo` itself.
   */
  search(needle: string): Promise<KnownMatches | null> {
    // The entries that came since the last feed (a message's worth at most), so the worker covers them.
    this.feed(this.feedEntries);
    this.waiting?.resolve(null);
    const id = ++this.nextId;
    this.worker.postMessage({ type: "search", id, needle });
    return new Promise((resolve) => {
      this.waiting = { id, needle, upTo: this.fed, last: this.lastFed, resolve };
    });
  }

  dispose(): void {
    this.unsubscribe();
    if (this.feedTimer !== null) clearTimeout(this.feedTimer);
    this.waiting?.resolve(null);
    this.waiting = null;
    this.worker.onmessage = null;
    this.worker.terminate();
  }

  private answered(message: FromSearchWorker): void {
    const waiting = this.waiting;
    if (waiting === null || message.id !== waiting.id) return;
    this.waiting = null;
    // Messages arrive in order, so the worker covered exactly what was fed before the search; 0 if a reset voided it.
    const covered = message.upTo === waiting.upTo;
    waiting.resolve({ needle: waiting.needle, upTo: covered ? waiting.upTo : 0, matches: message.matches, last: covered ? waiting.last : undefined });
  }

  private scheduleFeed(): void {
    if (this.feedTimer === null) this.feedTimer = setTimeout(() => this.feed(this.feedEntries), 0);
  }

  /**
   * Sends at most `limit` new entries, after a reset if the store had one, then schedules the rest:
   * a million entries held before the worker started go over in tasks of a few ms each.
   */
  private feed(limit: number): void {
    if (this.feedTimer !== null) clearTimeout(this.feedTimer);
    this.feedTimer = null;
    const all = this.store.all();
    if (this.fed > all.length || (this.fed > 0 && all[this.fed - 1] !== this.lastFed)) {
      this.worker.postMessage({ type: "reset" });
      this.fed = 0;
      this.lastFed = undefined;
    }
    const end = Math.min(all.length, this.fed + limit);
    if (end > this.fed) {
      const raws: string[] = new Array<string>(end - this.fed);
      for (let i = this.fed; i < end; i++) raws[i - this.fed] = all[i]!.raw;
      this.worker.postMessage({ type: "append", raws });
      this.fed = end;
      this.lastFed = all[end - 1];
    }
    if (this.fed < all.length) this.scheduleFeed();
  }
}

/** A client with its own worker, loaded from its own chunk. */
export function startSearchWorker(store: TranscriptStore): SearchClient {
  const worker = new Worker(new URL("./search-worker.ts", import.meta.url), { type: "module", name: "transcript-search" });
  return new SearchClient(store, worker as unknown as SearchWorkerLike);
}
